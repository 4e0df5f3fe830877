/** Completeness of an application's materials against its matters' lists (申请材料清单). */
import type { MatterSnapshot } from './catalogue.ts';
import type { MissingMaterial } from './notices.ts';

/**
 * Every required material not provided, across all matters, each listed once with the matters that need it:
 * the content of the one-time notice (一次性告知), so nothing missing now can be asked for in a second notice.
 */
export function missingMaterials(matters: MatterSnapshot[], provided: Iterable<string>): MissingMaterial[] {
  const have = new Set(provided);
  // A material that another matter of the same application issues (e.g. the business licence in 开办餐馆一件事)
  // comes from that matter's result, not from the applicant.
  const issuedHere = new Set(matters.map((m) => m.code));
  const missing = new Map<string, MissingMaterial>();
  for (const matter of matters) {
    for (const material of matter.materials) {
      if (!material.required || have.has(material.code)) continue;
      if (material.issuedByMatter && issuedHere.has(material.issuedByMatter)) continue;
      const entry = missing.get(material.code) ?? { code: material.code, name: material.name, matters: [] };
      entry.matters.push(matter.name);
      missing.set(material.code, entry);
    }
  }
  return [...missing.values()];
}
