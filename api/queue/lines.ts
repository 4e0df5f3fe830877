/** What a ticket or a booking is for: a matter or a theme of the catalogue, resolved to its service line. */
import { lineOfMatter, serviceLines, THEME_LINE, type ServiceLine } from '../../rules/queue.ts';
import type { Catalogue } from '../../rules/catalogue.ts';
import { ApiError } from '../errors.ts';

export interface HallLines {
  lines: ServiceLine[];
  line(code: string): ServiceLine | undefined;
}

export function hallLines(catalogue: Catalogue, letters: Record<string, string>): HallLines {
  const lines = serviceLines(catalogue, letters);
  return { lines, line: (code) => lines.find((l) => l.code === code) };
}

/** The service line of `{ matter }` or `{ theme }` (exactly one); 400/404 naming the field otherwise. */
export function lineFor(
  catalogue: Catalogue,
  hall: HallLines,
  what: { matter?: string | undefined; theme?: string | undefined },
): { line: ServiceLine; matter: string | null; theme: string | null } {
  if (what.matter !== undefined && what.theme !== undefined) {
    throw new ApiError(400, 'matter_or_theme', '事项（matter）与一件事（theme）只能选一个', 'theme');
  }
  if (what.matter !== undefined) {
    const code = lineOfMatter(catalogue, what.matter);
    const line = code === undefined ? undefined : hall.line(code);
    if (!line) throw new ApiError(404, 'matter_not_found', `事项 ${what.matter} 不存在`, 'matter');
    return { line, matter: what.matter, theme: null };
  }
  if (what.theme !== undefined) {
    const line = hall.line(THEME_LINE);
    if (!catalogue.themes.some((t) => t.code === what.theme) || !line) {
      throw new ApiError(404, 'theme_not_found', `一件事 ${what.theme} 不存在`, 'theme');
    }
    return { line, matter: null, theme: what.theme };
  }
  throw new ApiError(400, 'matter_required', '请选择事项（matter）或一件事（theme）', 'matter');
}
