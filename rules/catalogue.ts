/** The matter catalogue (事项目录) as data. Matters are versioned data, never code. */
import { ESCALATED_REVIEW_DAYS } from './caseDecisions.ts';

type MatterKind = 'immediate' | 'promised' | 'joint' | 'escalated';

interface Department {
  code: string;
  name: string;
}

interface MaterialDefinition {
  code: string;
  name: string;
  /** The matter whose certificate is this material (电子证照 reuse: never asked for again). */
  issuedByMatter?: string;
}

interface MatterMaterial {
  code: string;
  required: boolean;
  /** 告知承诺: the applicant's written commitment may stand in for the proof. */
  commitmentAllowed?: boolean;
}

interface ServiceGuide {
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
  /**
   * Escalated matters (上报件) only: the working days the higher level (the lead) takes to decide once the lower level's
   * preliminary review (at most 20, 第43条) is in. Both limits of the matter must cover the two stages.
   */
  higherLevelLimitDays?: number;
  supplementLimitDays: number;
  warningDays: number;
  result: { type: 'certificate' | 'licence' | 'reply'; name: string };
  fee: { basis: string; amountYuan: number };
  guide: ServiceGuide;
}

interface Theme {
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
  /** See Matter; absent in snapshots taken before it existed (the higher level then had the promised limit). */
  higherLevelLimitDays?: number;
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
    problems.push(...escalationProblems(matter));
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

/**
 * 上报件: the lower level reviews for up to ESCALATED_REVIEW_DAYS (第43条), then the higher level decides within its own
 * limit (`higherLevelLimitDays`). The matter's statutory and promised limits are what the case is measured against,
 * so each must be at least the sum of the two stages; a shorter one would make the case late by design.
 */
export function escalationProblems(matter: Matter): string[] {
  const problems: string[] = [];
  const higher = matter.higherLevelLimitDays;
  if (matter.kind !== 'escalated') {
    if (higher !== undefined) problems.push(`${matter.code}: higherLevelLimitDays is only for an escalated matter`);
    return problems;
  }
  if (!matter.departments.some((d) => !d.lead)) {
    problems.push(`${matter.code}: an escalated matter needs a lower-level department besides the lead (higher level)`);
  }
  if (higher === undefined || !Number.isInteger(higher) || higher < 1) {
    problems.push(
      `${matter.code}: an escalated matter needs higherLevelLimitDays, the higher level's own limit (a positive integer)`,
    );
    return problems;
  }
  const stages = ESCALATED_REVIEW_DAYS + higher;
  for (const [name, days] of [
    ['statutory', matter.statutoryLimitDays],
    ['promised', matter.promisedLimitDays],
  ] as const) {
    if (days < stages) {
      problems.push(
        `${matter.code}: ${name} limit ${days} working days is shorter than its two stages: ` +
          `${ESCALATED_REVIEW_DAYS} of lower-level review (第43条) + ${higher} of the higher level = ${stages}`,
      );
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
    ...(matter.higherLevelLimitDays !== undefined ? { higherLevelLimitDays: matter.higherLevelLimitDays } : {}),
    supplementLimitDays: matter.supplementLimitDays,
    warningDays: matter.warningDays,
    result: matter.result,
  };
}
