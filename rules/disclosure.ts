/**
 * 办件公示 (公开便民服务事项办理内容及结果): what the centre publishes about decided cases. Pure.
 * Names are masked as the centres publish them: the first character, then `**` whatever the length, so the length of
 * a name tells nothing either (张三 and 张三丰 both 张**).
 */
export function maskApplicantName(name: string): string {
  const first = [...name.trim()][0];
  return first === undefined ? '**' : `${first}**`;
}

export interface DisclosedMonth {
  month: string;
  received: number;
  decided: number;
  approved: number;
  refused: number;
  onTime: number;
  /** onTime / decided; null when nothing was decided. */
  onTimeRate: number | null;
}

/** One row per month from `from`'s to `to`'s (YYYY-MM), each month present even when empty. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const [ty, tm] = [Number(to.slice(0, 4)), Number(to.slice(5, 7))];
  while (y < ty || (y === ty && m <= tm)) {
    months.push(`${y}-${String(m).padStart(2, '0')}`);
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
  }
  return months;
}

export function monthlyFigures(
  months: readonly string[],
  received: ReadonlyMap<string, number>,
  decided: ReadonlyMap<string, { decided: number; approved: number; refused: number; onTime: number }>,
): DisclosedMonth[] {
  return months.map((month) => {
    const d = decided.get(month) ?? { decided: 0, approved: 0, refused: 0, onTime: 0 };
    return {
      month,
      received: received.get(month) ?? 0,
      ...d,
      onTimeRate: d.decided === 0 ? null : d.onTime / d.decided,
    };
  });
}
