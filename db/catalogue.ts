/** Loading the catalogue seed into PostgreSQL and reading it back. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { asc, lte } from 'drizzle-orm';
import type { Database } from './client.ts';
import { departments, materials, matters, themes } from './schema.ts';
import { catalogueProblems, type Catalogue } from '../rules/catalogue.ts';

const defaultCataloguePath = fileURLToPath(new URL('./seed/catalogue.json', import.meta.url));

export async function readCatalogueFile(file = defaultCataloguePath): Promise<Catalogue> {
  const catalogue = JSON.parse(await readFile(file, 'utf8')) as Catalogue;
  const problems = catalogueProblems(catalogue);
  if (problems.length > 0) throw new Error(`catalogue ${file} is inconsistent:\n${problems.join('\n')}`);
  return catalogue;
}

/** Upsert the catalogue (matters are versioned data; cases keep the snapshot they were received with). */
export async function loadCatalogue(db: Database, catalogue: Catalogue): Promise<void> {
  const problems = catalogueProblems(catalogue);
  if (problems.length > 0) {
    throw new Error(`catalogue version ${catalogue.version} is inconsistent:\n${problems.join('\n')}`);
  }
  await db.transaction(async (tx) => {
    for (const d of catalogue.departments) {
      await tx
        .insert(departments)
        .values(d)
        .onConflictDoUpdate({ target: departments.code, set: { name: d.name } });
    }
    for (const m of catalogue.materials) {
      const row = { code: m.code, name: m.name, issuedByMatter: m.issuedByMatter ?? null };
      await tx.insert(materials).values(row).onConflictDoUpdate({ target: materials.code, set: row });
    }
    for (const m of catalogue.matters) {
      const row = { code: m.code, name: m.name, kind: m.kind, catalogueVersion: catalogue.version, definition: m };
      // A matter an admin changed since (PATCH /matters/:code bumps its version) is not put back by an older file.
      await tx
        .insert(matters)
        .values(row)
        .onConflictDoUpdate({
          target: matters.code,
          set: row,
          setWhere: lte(matters.catalogueVersion, catalogue.version),
        });
    }
    for (const t of catalogue.themes) {
      await tx.insert(themes).values(t).onConflictDoUpdate({ target: themes.code, set: t });
    }
  });
}

/** The whole catalogue as stored (small: a centre has hundreds of matters, not millions). */
export async function fetchCatalogue(db: Database): Promise<Catalogue> {
  const [d, x, m, t] = await Promise.all([
    db.select().from(departments).orderBy(asc(departments.code)),
    db.select().from(materials).orderBy(asc(materials.code)),
    db.select().from(matters).orderBy(asc(matters.code)),
    db.select().from(themes).orderBy(asc(themes.code)),
  ]);
  return {
    version: Math.max(0, ...m.map((row) => row.catalogueVersion)),
    departments: d,
    materials: x.map((row) => ({
      code: row.code,
      name: row.name,
      ...(row.issuedByMatter ? { issuedByMatter: row.issuedByMatter } : {}),
    })),
    matters: m.map((row) => row.definition),
    themes: t,
  };
}
