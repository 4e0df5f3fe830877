/** The catalogue's answers: the matter list, a matter's service guide (办事指南), themes, and an admin's edit. */
import Type from 'typebox';
import { CodeName } from './common.ts';

const MatterDepartment = Type.Object({ code: Type.String(), name: Type.String(), lead: Type.Boolean() });

export const MatterSummary = Type.Object({
  code: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  kindName: Type.String(),
  departments: Type.Array(MatterDepartment),
  statutoryLimitDays: Type.Integer(),
  promisedLimitDays: Type.Integer(),
});

const GuideTexts = Type.Object({
  handlingBody: Type.String(),
  legalBasis: Type.String(),
  conditions: Type.String(),
  procedure: Type.String(),
  supervision: Type.String(),
});

export const MatterGuide = Type.Object({
  code: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  kindName: Type.String(),
  departments: Type.Array(MatterDepartment),
  materials: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      required: Type.Boolean(),
      commitmentAllowed: Type.Optional(Type.Boolean()),
    }),
  ),
  statutoryLimitDays: Type.Integer(),
  promisedLimitDays: Type.Integer(),
  guide: Type.Object({
    handlingBody: Type.String(),
    legalBasis: Type.String(),
    conditions: Type.String(),
    procedure: Type.String(),
    timeLimit: Type.Object({
      statutoryWorkingDays: Type.Integer(),
      promisedWorkingDays: Type.Integer(),
      lowerLevelWorkingDays: Type.Optional(Type.Integer()),
      higherLevelWorkingDays: Type.Optional(Type.Integer()),
      text: Type.String(),
    }),
    result: Type.Object({ type: Type.String(), name: Type.String() }),
    feeBasis: Type.String(),
    feeAmountYuan: Type.Number(),
    supervision: Type.String(),
  }),
});

export const ThemeView = Type.Object({
  code: Type.String(),
  name: Type.String(),
  description: Type.String(),
  matters: Type.Array(CodeName),
});

export const MatterChanged = Type.Object({
  code: Type.String(),
  catalogueVersion: Type.Integer(),
  promisedLimitDays: Type.Integer(),
  guide: GuideTexts,
});
