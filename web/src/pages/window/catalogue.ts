/** The catalogue as the window reads it (GET /matters, /themes, /matters/:code), searchable by pinyin initials. */
import { pinyin } from 'pinyin-pro';
import { api, type MatterGuide, type MatterSummary, type ThemeView } from '../../api.ts';

export type { MatterSummary } from '../../api.ts';
export type Theme = ThemeView;
export type Guide = MatterGuide;
export type GuideMaterial = MatterGuide['materials'][number];

/** What the clerk picks: one matter, or a theme (一件事) of several. */
export interface Choice {
  kind: 'matter' | 'theme';
  code: string;
  name: string;
  matterCodes: string[];
  description?: string;
}

export interface Entry extends Choice {
  /** Lower-case pinyin initials of the name (开办餐馆一件事 → kbcgyjs). */
  initials: string;
  label: string;
}

function initialsOf(name: string): string {
  return pinyin(name, { pattern: 'first', toneType: 'none', type: 'array' })
    .join('')
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase();
}

export function entries(matters: MatterSummary[], themes: Theme[]): Entry[] {
  return [
    ...themes.map((t) => ({
      kind: 'theme' as const,
      code: t.code,
      name: t.name,
      description: t.description,
      matterCodes: t.matters.map((m) => m.code),
      initials: initialsOf(t.name),
      label: `【一件事】${t.name}`,
    })),
    ...matters.map((m) => ({
      kind: 'matter' as const,
      code: m.code,
      name: m.name,
      matterCodes: [m.code],
      initials: initialsOf(m.name),
      label: `${m.name}（${m.kindName}）`,
    })),
  ];
}

/** By name, code or pinyin initials; case does not matter. */
export function matches(entry: Entry, text: string): boolean {
  const q = text.trim().toLowerCase();
  if (!q) return true;
  return entry.name.toLowerCase().includes(q) || entry.code.toLowerCase().includes(q) || entry.initials.includes(q);
}

/** The materials of several matters, each once: required when any matter requires it. */
export function mergedMaterials(guides: Guide[]): Array<GuideMaterial & { matters: string[] }> {
  const byCode = new Map<string, GuideMaterial & { matters: string[] }>();
  for (const g of guides) {
    for (const m of g.materials) {
      const seen = byCode.get(m.code);
      if (seen) {
        seen.required ||= m.required;
        seen.commitmentAllowed = Boolean(seen.commitmentAllowed && m.commitmentAllowed);
        seen.matters.push(g.name);
      } else byCode.set(m.code, { ...m, matters: [g.name] });
    }
  }
  return [...byCode.values()];
}

/** The guides of some matters, each asked once per page load. */
const guideCache = new Map<string, Promise<Guide>>();
export function guidesOf(codes: string[]): Promise<Guide[]> {
  return Promise.all(
    codes.map((code) => {
      let guide = guideCache.get(code);
      if (!guide) {
        guide = api<Guide>(`/matters/${encodeURIComponent(code)}`);
        guide.catch(() => guideCache.delete(code));
        guideCache.set(code, guide);
      }
      return guide;
    }),
  );
}
