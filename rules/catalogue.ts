/** The matter catalogue (事项目录) as data. Matters are versioned data, never code. */

export type MatterKind = 'immediate' | 'promised' | 'joint' | 'escalated';

export interface Department {
  code: string;
  name: string;
}

export interface MaterialDefinition {
  code: string;
  name: string;
  /** The matter whose certificate is this material (电子证照 reuse: never asked for again). */
  issuedByMatter?: string;
}

export interface MatterMaterial {
  code: string;
  required: boolean;
  /** 告知承诺: the applicant's written commitment may stand in for the proof. */
  commitmentAllowed?: boolean;
}

export interface ServiceGuide {
  handlingBody: string;
  legalBasis: string;
  conditions: string;
  procedure: string;
  supervision: string;
}

export interface Matter {
  code: string;
  name: string;
  kind: MatterKind;
  departments: Array<{ code: string; lead: boolean }>;
  materials: MatterMaterial[];
  statutoryLimitDays: number;
  promisedLimitDays: number;
  supplementLimitDays: number;
  warningDays: number;
  result: { type: 'certificate' | 'licence' | 'reply'; name: string };
  fee: { basis: string; amountYuan: number };
  guide: ServiceGuide;
}

export interface Theme {
  code: string;
  name: string;
  description: string;
  matters: string[];
}

export interface Catalogue {
  version: number;
  departments: Department[];
  materials: MaterialDefinition[];
  matters: Matter[];
  themes: Theme[];
}

/** What a case keeps of a matter: the catalogue as it was when the case was received. */
export interface MatterSnapshot {
  code: string;
  name: string;
  kind: MatterKind;
  catalogueVersion: number;
  departments: Array<{ code: string; name: string; lead: boolean }>;
  materials: Array<MatterMaterial & { name: string; issuedByMatter?: string }>;
  statutoryLimitDays: number;
  promisedLimitDays: number;
  supplementLimitDays: number;
  warningDays: number;
  result: { type: 'certificate' | 'licence' | 'reply'; name: string };
}

/** Problems that make a catalogue unusable; an empty list means it is consistent. */
export function catalogueProblems(catalogue: Catalogue): string[] {
  const problems: string[] = [];
  const departments = new Set(catalogue.departments.map((d) => d.code));
  const materials = new Set(catalogue.materials.map((m) => m.code));
  const matters = new Set(catalogue.matters.map((m) => m.code));
  for (const matter of catalogue.matters) {
    const leads = matter.departments.filter((d) => d.lead).length;
    if (leads !== 1) problems.push(`${matter.code}: ${leads} lead departments, expected 1`);
    for (const d of matter.departments) {
      if (!departments.has(d.code)) problems.push(`${matter.code}: unknown department ${d.code}`);
    }
    const codes = matter.departments.map((d) => d.code);
    for (const code of new Set(codes.filter((c, i) => codes.indexOf(c) !== i))) {
      problems.push(`${matter.code}: department ${code} listed twice`);
    }
    for (const m of matter.materials) {
      if (!materials.has(m.code)) problems.push(`${matter.code}: unknown material ${m.code}`);
    }
    if (matter.promisedLimitDays > matter.statutoryLimitDays) {
      problems.push(`${matter.code}: promised limit longer than statutory limit`);
    }
  }
  for (const material of catalogue.materials) {
    if (material.issuedByMatter && !matters.has(material.issuedByMatter)) {
      problems.push(`material ${material.code}: unknown issuing matter ${material.issuedByMatter}`);
    }
  }
  for (const theme of catalogue.themes) {
    for (const code of theme.matters) {
      if (!matters.has(code)) problems.push(`theme ${theme.code}: unknown matter ${code}`);
    }
  }
  return problems;
}

export function snapshotMatter(catalogue: Catalogue, matter: Matter): MatterSnapshot {
  const departmentName = new Map(catalogue.departments.map((d) => [d.code, d.name]));
  const material = new Map(catalogue.materials.map((m) => [m.code, m]));
  return {
    code: matter.code,
    name: matter.name,
    kind: matter.kind,
    catalogueVersion: catalogue.version,
    departments: matter.departments.map((d) => ({ ...d, name: departmentName.get(d.code) ?? d.code })),
    materials: matter.materials.map((m) => ({
      ...m,
      name: material.get(m.code)?.name ?? m.code,
      ...(material.get(m.code)?.issuedByMatter ? { issuedByMatter: material.get(m.code)?.issuedByMatter } : {}),
    })),
    statutoryLimitDays: matter.statutoryLimitDays,
    promisedLimitDays: matter.promisedLimitDays,
    supplementLimitDays: matter.supplementLimitDays,
    warningDays: matter.warningDays,
    result: matter.result,
  };
}
