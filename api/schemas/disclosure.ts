/** 办件公示 answers (api/routes/disclosure.ts): nothing in them names a person beyond the masked name. */
import Type from 'typebox';
import { Day, nullable } from './common.ts';

export const DisclosedDecision = Type.Object({
  caseNo: Type.String(),
  matters: Type.Array(Type.String({ description: '事项名称' })),
  applicantName: Type.String({ description: '申请人（遮蔽，如 张**）' }),
  result: Type.String({ description: 'approved / partially_approved / refused' }),
  resultLabel: Type.String(),
  decidedOn: Day,
  onTime: nullable(Type.Boolean()),
});

export const DisclosureAnswer = Type.Object({
  from: Day,
  to: Day,
  decisions: Type.Array(DisclosedDecision),
  months: Type.Array(
    Type.Object({
      month: Type.String({ description: 'YYYY-MM' }),
      received: Type.Integer(),
      decided: Type.Integer(),
      approved: Type.Integer({ description: '准予许可（含部分准予）' }),
      refused: Type.Integer(),
      onTime: Type.Integer(),
      onTimeRate: nullable(Type.Number()),
    }),
  ),
});
