/** The catalogue (事项目录) and each matter's service guide (办事指南) with its nine public elements. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ESCALATED_REVIEW_DAYS } from '../../rules/caseDecisions.ts';
import type { Matter } from '../../rules/catalogue.ts';
import type { ApiDeps } from '../app.ts';
import { ApiError } from '../errors.ts';
import { CodeParams, errors, MatterChanged, MatterGuide, MatterSummary, ThemeView } from '../schemas.ts';
import Type from 'typebox';
import { eq } from 'drizzle-orm';
import { matters } from '../../db/schema.ts';
import { catalogueProblems } from '../../rules/catalogue.ts';

const guideText = Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S' });
/** What an admin may change of a matter without a new catalogue file: the promised limit and the service guide. */
const MatterChangeBody = Type.Object(
  {
    promisedLimitDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
    guide: Type.Optional(
      Type.Object(
        {
          handlingBody: Type.Optional(guideText),
          legalBasis: Type.Optional(guideText),
          conditions: Type.Optional(guideText),
          procedure: Type.Optional(guideText),
          supervision: Type.Optional(guideText),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const kindNames = { immediate: '即办件', promised: '承诺件', joint: '联办件', escalated: '上报件' } as const;

function serviceGuide(matter: Matter, departmentName: (code: string) => string) {
  const lead = matter.departments.find((d) => d.lead);
  return {
    handlingBody: matter.guide.handlingBody || (lead ? departmentName(lead.code) : ''),
    legalBasis: matter.guide.legalBasis,
    conditions: matter.guide.conditions,
    procedure: matter.guide.procedure,
    timeLimit: {
      statutoryWorkingDays: matter.statutoryLimitDays,
      promisedWorkingDays: matter.promisedLimitDays,
      ...(matter.higherLevelLimitDays !== undefined
        ? { lowerLevelWorkingDays: ESCALATED_REVIEW_DAYS, higherLevelWorkingDays: matter.higherLevelLimitDays }
        : {}),
      text:
        matter.kind === 'immediate'
          ? '即时办结'
          : `法定时限 ${matter.statutoryLimitDays} 个工作日，承诺时限 ${matter.promisedLimitDays} 个工作日` +
            (matter.higherLevelLimitDays !== undefined
              ? `（下级初审不超过 ${ESCALATED_REVIEW_DAYS} 个工作日，上级审查 ${matter.higherLevelLimitDays} 个工作日）`
              : ''),
    },
    result: matter.result,
    feeBasis: matter.fee.basis,
    feeAmountYuan: matter.fee.amountYuan,
    supervision: matter.guide.supervision,
  };
}

export const catalogueRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/matters',
      {
        config: { access: 'catalogue.read' },
        schema: { summary: '事项目录', response: { 200: Type.Array(MatterSummary) } },
      },
      async () => {
        const catalogue = await deps.catalogue.get();
        const departmentName = new Map(catalogue.departments.map((d) => [d.code, d.name]));
        return catalogue.matters.map((m) => ({
          code: m.code,
          name: m.name,
          kind: m.kind,
          kindName: kindNames[m.kind],
          departments: m.departments.map((d) => ({ ...d, name: departmentName.get(d.code) ?? d.code })),
          statutoryLimitDays: m.statutoryLimitDays,
          promisedLimitDays: m.promisedLimitDays,
        }));
      },
    );

    app.get(
      '/matters/:code',
      {
        config: { access: 'catalogue.read' },
        schema: { summary: '办事指南', params: CodeParams, response: { 200: MatterGuide, ...errors(404) } },
      },
      async (request) => {
        const catalogue = await deps.catalogue.get();
        const matter = catalogue.matters.find((m) => m.code === request.params.code);
        if (!matter) throw new ApiError(404, 'matter_not_found', `事项 ${request.params.code} 不存在`, 'code');
        const departmentName = new Map(catalogue.departments.map((d) => [d.code, d.name]));
        const materialName = new Map(catalogue.materials.map((m) => [m.code, m.name]));
        return {
          code: matter.code,
          name: matter.name,
          kind: matter.kind,
          kindName: kindNames[matter.kind],
          departments: matter.departments.map((d) => ({ ...d, name: departmentName.get(d.code) ?? d.code })),
          materials: matter.materials.map((m) => ({ ...m, name: materialName.get(m.code) ?? m.code })),
          statutoryLimitDays: matter.statutoryLimitDays,
          promisedLimitDays: matter.promisedLimitDays,
          guide: serviceGuide(matter, (code) => departmentName.get(code) ?? code),
        };
      },
    );

    app.get(
      '/themes',
      {
        config: { access: 'catalogue.read' },
        schema: { summary: '主题服务（一件事）', response: { 200: Type.Array(ThemeView) } },
      },
      async () => {
        const catalogue = await deps.catalogue.get();
        const matterName = new Map(catalogue.matters.map((m) => [m.code, m.name]));
        return catalogue.themes.map((t) => ({
          ...t,
          matters: t.matters.map((code) => ({ code, name: matterName.get(code) ?? code })),
        }));
      },
    );

    app.patch(
      '/matters/:code',
      {
        config: { access: 'catalogue.write' },
        schema: {
          summary: '修改事项：承诺时限与办事指南（仅系统管理员；已收件的办件仍按收件时的目录版本办理）',
          params: CodeParams,
          body: MatterChangeBody,
          response: { 200: MatterChanged, ...errors(404, 422) },
        },
      },
      async (request) => {
        const catalogue = await deps.catalogue.get();
        const matter = catalogue.matters.find((m) => m.code === request.params.code);
        if (!matter) throw new ApiError(404, 'matter_not_found', `事项 ${request.params.code} 不存在`, 'code');
        const changed: Matter = {
          ...matter,
          ...(request.body.promisedLimitDays !== undefined
            ? { promisedLimitDays: request.body.promisedLimitDays }
            : {}),
          guide: { ...matter.guide, ...request.body.guide },
        };
        const problems = catalogueProblems({
          ...catalogue,
          matters: catalogue.matters.map((m) => (m.code === matter.code ? changed : m)),
        });
        if (problems.length > 0) {
          throw new ApiError(422, 'catalogue_invalid', `修改后目录不一致：${problems.join('；')}`, 'promisedLimitDays');
        }
        const version = catalogue.version + 1;
        await deps.db
          .update(matters)
          .set({ definition: changed, catalogueVersion: version })
          .where(eq(matters.code, matter.code));
        deps.catalogue.invalidate();
        return {
          code: changed.code,
          catalogueVersion: version,
          promisedLimitDays: changed.promisedLimitDays,
          guide: changed.guide,
        };
      },
    );
  };
