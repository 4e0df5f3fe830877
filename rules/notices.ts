/** The written notices an applicant receives (zh-CN). Built once and stored exactly as sent. */
import type { CaseState, MatterResult, Notice } from './caseModel.ts';
import type { IsoDate } from './workingDays.ts';

export interface MissingMaterial {
  code: string;
  name: string;
  /** Names of the matters that require it. */
  matters: string[];
}

function caseTitle(state: Pick<CaseState, 'caseNo' | 'theme' | 'matters'>): string {
  return state.theme?.name ?? state.matters.map((m) => m.name).join('、');
}

/** How every notice begins: the applicant, the case title and its number. */
function opening(state: Pick<CaseState, 'caseNo' | 'theme' | 'matters' | 'applicant'>): string {
  return `${state.applicant.name}：\n您申请的“${caseTitle(state)}”（办件编号 ${state.caseNo}）`;
}

function formatDate(date: IsoDate): string {
  const [y, m, d] = date.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

export function supplementNotice(
  state: Pick<CaseState, 'caseNo' | 'theme' | 'matters' | 'applicant'>,
  id: string,
  sentAt: string,
  missing: MissingMaterial[],
  due: IsoDate,
): Notice {
  const lines = missing.map((m, i) => `${i + 1}. ${m.name}（${m.matters.join('、')}）`);
  return {
    id,
    kind: 'supplement',
    sentAt,
    title: '补正材料一次性告知书',
    body:
      `${opening(state)}申请材料不齐全。` +
      `根据《中华人民共和国行政许可法》第三十二条，现一次性告知您需要补正的全部材料：\n${lines.join('\n')}\n` +
      `请于${formatDate(due)}前补正。逾期未补正的，视为放弃申请，本申请不予受理。`,
    items: missing,
    due,
  };
}

export function acceptedNotice(
  state: Pick<CaseState, 'caseNo' | 'theme' | 'matters' | 'applicant'>,
  id: string,
  sentAt: string,
  acceptedOn: IsoDate,
  promisedDue: IsoDate,
  deemed: boolean,
): Notice {
  const how = deemed
    ? `本中心未在收到申请材料之日起五个工作日内作出受理决定或一次性告知，依照《中华人民共和国行政许可法》第三十二条，自收到申请材料之日（${formatDate(acceptedOn)}）起即为受理。`
    : `经审查，申请材料齐全、符合法定形式，决定予以受理（受理日期：${formatDate(acceptedOn)}）。`;
  return {
    id,
    kind: 'accepted',
    sentAt,
    title: '受理通知书',
    body: `${opening(state)}${how}承诺办结时间：${formatDate(promisedDue)}。`,
    due: promisedDue,
  };
}

export function notAcceptedNotice(
  state: Pick<CaseState, 'caseNo' | 'theme' | 'matters' | 'applicant'>,
  id: string,
  sentAt: string,
  reason: string,
): Notice {
  return {
    id,
    kind: 'not_accepted',
    sentAt,
    title: '不予受理决定书',
    body: `${opening(state)}不予受理。理由：${reason}\n` + `如不服本决定，可以依法申请行政复议或者提起行政诉讼。`,
  };
}

/** How a refusal notice words the applicant's remedies (行政复议 / 行政诉讼). */
const REFUSAL_REMEDIES =
  '如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。';

export function refusedNotice(
  state: Pick<CaseState, 'caseNo' | 'theme' | 'matters' | 'applicant'>,
  id: string,
  sentAt: string,
  reasons: string[],
): Notice {
  return {
    id,
    kind: 'refused',
    sentAt,
    title: '不予许可决定书',
    body:
      `${opening(state)}经审查，决定不予许可。理由：\n` +
      reasons.map((r, i) => `${i + 1}. ${r}`).join('\n') +
      `\n${REFUSAL_REMEDIES}`,
  };
}

/**
 * A theme case decided matter by matter (rules 2) with some matters approved and some refused: each matter's result,
 * the reasons of each refusal, the delivery of the approved matters' certificates and the remedies against the refusals.
 */
export function partiallyApprovedNotice(
  state: Pick<CaseState, 'caseNo' | 'theme' | 'matters' | 'applicant'>,
  id: string,
  sentAt: string,
  results: MatterResult[],
): Notice {
  const lines = results.map((r, i) =>
    r.outcome === 'approved'
      ? `${i + 1}. ${r.name}：准予许可。`
      : `${i + 1}. ${r.name}：不予许可。理由：${r.reasons.join('；')}`,
  );
  return {
    id,
    kind: 'partially_approved',
    sentAt,
    title: '分项审批结果决定书',
    body:
      `${opening(state)}经审查，各事项办理结果如下：\n${lines.join('\n')}\n` +
      `准予许可事项的证照将依法在十个工作日内向您颁发、送达。\n` +
      `对不予许可的事项，${REFUSAL_REMEDIES}`,
    results,
  };
}

export function approvedNotice(
  state: Pick<CaseState, 'caseNo' | 'theme' | 'matters' | 'applicant'>,
  id: string,
  sentAt: string,
): Notice {
  return {
    id,
    kind: 'approved',
    sentAt,
    title: '准予许可决定书',
    body: `${opening(state)}经审查，符合法定条件，决定准予许可。` + `相关证照将依法在十个工作日内向您颁发、送达。`,
  };
}

export function withdrawnNotice(
  state: Pick<CaseState, 'caseNo' | 'theme' | 'matters' | 'applicant'>,
  id: string,
  sentAt: string,
  reason: string,
): Notice {
  return {
    id,
    kind: 'withdrawn',
    sentAt,
    title: '撤回申请确认书',
    body: `${opening(state)}已按您的要求撤回，审查终止。撤回原因：${reason}`,
  };
}

export function terminatedNotice(
  state: Pick<CaseState, 'caseNo' | 'theme' | 'matters' | 'applicant'>,
  id: string,
  sentAt: string,
  reason: string,
): Notice {
  return {
    id,
    kind: 'terminated',
    sentAt,
    title: '终止审查通知书',
    body: `${opening(state)}终止审查。理由：${reason}\n` + `如不服，可以依法申请行政复议或者提起行政诉讼。`,
  };
}

export function extensionNotice(
  state: Pick<CaseState, 'caseNo' | 'theme' | 'matters' | 'applicant'>,
  id: string,
  sentAt: string,
  days: number,
  reason: string,
  newDue: IsoDate | undefined,
): Notice {
  return {
    id,
    kind: 'extension',
    sentAt,
    title: '延长审查期限告知书',
    body:
      `${opening(state)}经本机关负责人批准，` +
      `依照《中华人民共和国行政许可法》第四十二条，审查期限延长 ${days} 个工作日` +
      (newDue ? `，至${formatDate(newDue)}` : '') +
      `。延期理由：${reason}`,
    ...(newDue ? { due: newDue } : {}),
  };
}

/** 特别程序 names, as notices and the timeline write them. */
export const procedureNames: Record<string, string> = {
  hearing: '听证',
  tender: '招标',
  auction: '拍卖',
  inspection: '检验',
  testing: '检测',
  quarantine: '检疫',
  appraisal: '鉴定',
  expert_review: '专家评审',
  site_visit: '现场踏勘',
};

export function specialProcedureNotice(
  state: Pick<CaseState, 'caseNo' | 'theme' | 'matters' | 'applicant'>,
  id: string,
  sentAt: string,
  procedure: string,
  expectedWorkingDays: number,
  reason: string,
): Notice {
  return {
    id,
    kind: 'special_procedure',
    sentAt,
    title: '特别程序告知书',
    body:
      `${opening(state)}需要进行${procedureNames[procedure] ?? procedure}，` +
      `预计需要 ${expectedWorkingDays} 个工作日。理由：${reason}\n依照《中华人民共和国行政许可法》第四十五条，所需时间不计算在审查期限内。`,
  };
}

/** 注销告知书: the holder is told in writing which certificate was revoked, by whom, when and why. */
export function revocationNotice(
  state: Pick<CaseState, 'caseNo' | 'theme' | 'matters' | 'applicant'>,
  id: string,
  sentAt: string,
  certificate: { certificateNo: string; name: string },
  department: string,
  reason: string,
): Notice {
  return {
    id,
    kind: 'certificate_revoked',
    sentAt,
    title: '证照注销告知书',
    body:
      `${opening(state)}所颁发的“${certificate.name}”（证照编号 ${certificate.certificateNo}）` +
      `已由发证部门（${department}）注销，自注销之日起不再有效。注销理由：${reason}\n` +
      '如对注销决定不服，可依法申请行政复议或者提起行政诉讼。',
  };
}
