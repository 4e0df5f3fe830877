/** rules/notices.ts: the written notices, worded once and stored as sent (一次性告知, 受理, 不予许可, 延期, 特别程序). */
import { describe, expect, it } from 'vitest';
import {
  acceptedNotice,
  approvedNotice,
  extensionNotice,
  notAcceptedNotice,
  partiallyApprovedNotice,
  refusedNotice,
  specialProcedureNotice,
  supplementNotice,
  terminatedNotice,
  withdrawnNotice,
} from '../../rules/notices.ts';
import { applicant, snapshot } from './fixtures.ts';

const AD = snapshot('OUTDOOR_AD_PERMIT');
const JOINT = snapshot('CONSTRUCTION_COMPLETION_ACCEPTANCE');
const CASE = { caseNo: 'SQ20260706000001', matters: [AD], applicant };
const SENT = '2026-07-06T02:00:00.000Z';

describe('every notice', () => {
  it('opens with the applicant, the case title and its number; a theme is named by the theme', () => {
    const single = approvedNotice(CASE, 'N1', SENT);
    expect(single.body.startsWith(`${applicant.name}：\n您申请的“${AD.name}”（办件编号 SQ20260706000001）`)).toBe(true);
    const two = approvedNotice({ ...CASE, matters: [AD, JOINT] }, 'N1', SENT);
    expect(two.body).toContain(`“${AD.name}、${JOINT.name}”`);
    const theme = approvedNotice({ ...CASE, theme: { code: 'OPEN_RESTAURANT', name: '开办餐馆一件事' } }, 'N1', SENT);
    expect(theme.body).toContain('“开办餐馆一件事”');
    expect(theme).toMatchObject({ id: 'N1', kind: 'approved', sentAt: SENT, title: '准予许可决定书' });
  });
});

describe('supplementNotice (一次性告知)', () => {
  it('lists every missing material at once, numbered, with the matters that need it, and the due date', () => {
    const missing = [
      { code: 'AD_DESIGN_DRAWING', name: '设计图', matters: [AD.name] },
      { code: 'BUSINESS_LICENCE', name: '营业执照', matters: [AD.name, JOINT.name] },
    ];
    const notice = supplementNotice(CASE, 'N2', SENT, missing, '2026-07-20');
    expect(notice).toMatchObject({
      kind: 'supplement',
      title: '补正材料一次性告知书',
      due: '2026-07-20',
      items: missing,
    });
    expect(notice.body).toContain('第三十二条');
    expect(notice.body).toContain(`1. 设计图（${AD.name}）\n2. 营业执照（${AD.name}、${JOINT.name}）`);
    // dates are written the Chinese way, without leading zeros
    expect(notice.body).toContain('请于2026年7月20日前补正');
  });
});

describe('acceptedNotice', () => {
  it('a clerk’s acceptance names the day and the promised completion date', () => {
    const notice = acceptedNotice(CASE, 'N1', SENT, '2026-07-06', '2026-07-20', false);
    expect(notice).toMatchObject({ kind: 'accepted', title: '受理通知书', due: '2026-07-20' });
    expect(notice.body).toContain('决定予以受理（受理日期：2026年7月6日）');
    expect(notice.body).toContain('承诺办结时间：2026年7月20日');
    expect(notice.body).not.toContain('五个工作日');
  });

  it('a deemed acceptance says why (第32条) and counts from the day the materials were received', () => {
    const notice = acceptedNotice(CASE, 'N1', SENT, '2026-07-06', '2026-07-20', true);
    expect(notice.body).toContain('未在收到申请材料之日起五个工作日内作出受理决定或一次性告知');
    expect(notice.body).toContain('自收到申请材料之日（2026年7月6日）起即为受理');
  });
});

describe('decisions against the applicant name the reason and the remedies', () => {
  it('not accepted, terminated, withdrawn: the reason as given', () => {
    const notAccepted = notAcceptedNotice(CASE, 'N1', SENT, '不属于本中心受理范围');
    expect(notAccepted).toMatchObject({ kind: 'not_accepted', title: '不予受理决定书' });
    expect(notAccepted.body).toContain('理由：不属于本中心受理范围');
    expect(notAccepted.body).toContain('行政复议');
    const terminated = terminatedNotice(CASE, 'N1', SENT, '申请人未在规定期限内补正材料');
    expect(terminated).toMatchObject({ kind: 'terminated', title: '终止审查通知书' });
    expect(terminated.body).toContain('终止审查。理由：申请人未在规定期限内补正材料');
    const withdrawn = withdrawnNotice(CASE, 'N1', SENT, '申请人主动撤回申请');
    expect(withdrawn).toMatchObject({ kind: 'withdrawn', title: '撤回申请确认书' });
    expect(withdrawn.body).toContain('撤回原因：申请人主动撤回申请');
  });

  it('a refusal numbers its reasons and gives the time limits of 复议 and 诉讼', () => {
    const notice = refusedNotice(CASE, 'N3', SENT, ['设置位置遮挡交通信号灯', '未取得业主同意']);
    expect(notice).toMatchObject({ kind: 'refused', title: '不予许可决定书' });
    expect(notice.body).toContain('理由：\n1. 设置位置遮挡交通信号灯\n2. 未取得业主同意\n');
    expect(notice.body).toContain('六十日内依法申请行政复议');
    expect(notice.body).toContain('六个月内依法提起行政诉讼');
  });

  it('a partial approval gives each matter its result, and the remedies for the refused ones', () => {
    const results = [
      { matter: AD.code, name: AD.name, outcome: 'approved' as const, reasons: [] },
      { matter: JOINT.code, name: JOINT.name, outcome: 'refused' as const, reasons: ['消防验收未通过', '档案不全'] },
    ];
    const notice = partiallyApprovedNotice(CASE, 'N4', SENT, results);
    expect(notice).toMatchObject({ kind: 'partially_approved', results });
    expect(notice.body).toContain(
      `1. ${AD.name}：准予许可。\n2. ${JOINT.name}：不予许可。理由：消防验收未通过；档案不全`,
    );
    expect(notice.body).toContain('对不予许可的事项，如不服本决定');
  });
});

describe('the clock told in writing', () => {
  it('an extension gives the days, the reason and the new due date when there is one', () => {
    const notice = extensionNotice(CASE, 'N5', SENT, 10, '需现场核查设置位置', '2026-08-17');
    expect(notice).toMatchObject({ kind: 'extension', due: '2026-08-17' });
    expect(notice.body).toContain('审查期限延长 10 个工作日，至2026年8月17日。延期理由：需现场核查设置位置');
    const noDue = extensionNotice(CASE, 'N5', SENT, 15, '联合验收', undefined);
    expect(noDue).not.toHaveProperty('due');
    expect(noDue.body).toContain('延长 15 个工作日。延期理由');
  });

  it('a special procedure is named in Chinese, with its expected length, outside the time limit (第45条)', () => {
    const notice = specialProcedureNotice(CASE, 'N6', SENT, 'expert_review', 5, '结构安全');
    expect(notice).toMatchObject({ kind: 'special_procedure', title: '特别程序告知书' });
    expect(notice.body).toContain('需要进行专家评审，预计需要 5 个工作日。理由：结构安全');
    expect(notice.body).toContain('第四十五条');
    expect(specialProcedureNotice(CASE, 'N6', SENT, 'site_visit', 2, 'x').body).toContain('需要进行现场踏勘');
  });
});
