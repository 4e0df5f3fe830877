/**
 * The case's timeline for auditors (办件全过程记录): one entry per recorded event, saying when (virtual and wall
 * time), who (actor and role), what (a Chinese sentence), the rule or article of law behind it, and each notice
 * exactly as sent. Pure: built by folding the events, so each sentence can name the department, matter or material.
 */
import { roleNames, type Role } from '../rules/access.ts';
import type { CaseEvent, CaseState, Notice } from '../rules/caseModel.ts';
import { evolve } from '../rules/caseModel.ts';
import { procedureNames } from '../rules/notices.ts';

export interface HistoryEvent {
  seq: number;
  type: string;
  at: string;
  actor: unknown;
  data: unknown;
  /** Wall-clock time the row was written (PostgreSQL's clock), when known. */
  recordedAt?: string | null;
}

export interface LegalBasis {
  /** Articles of 《中华人民共和国行政许可法》, e.g. `第32条`; empty when the rule is the centre's own. */
  articles: string[];
  /** The rule in a sentence (zh-CN). */
  text: string;
}

export interface HistoryEntry {
  seq: number;
  type: string;
  /** What the event is called (zh-CN). */
  title: string;
  /** Virtual (case clock) time of the event. */
  at: string;
  /** Wall-clock time the record was written. */
  recordedAt: string | null;
  actor: { kind: string; id: string; role: string; department?: string; onBehalfOf?: string };
  what: string;
  basis: LegalBasis | null;
  /** For a `notice_sent` event: the notice exactly as recorded. */
  notice?: Notice;
}

const typeNames: Record<string, string> = {
  received: '收件',
  notice_sent: '送达告知书',
  supplement_requested: '一次性告知补正',
  materials_supplied: '补正材料',
  accepted: '受理',
  deemed_accepted: '视为受理',
  not_accepted: '不予受理',
  task_opened: '审查任务开始',
  opinion_given: '审查意见',
  department_supplement_requested: '部门要求补正',
  task_cancelled: '审查任务取消',
  clock_paused: '期限暂停计算',
  clock_resumed: '期限恢复计算',
  special_procedure_started: '特别程序开始',
  special_procedure_ended: '特别程序结束',
  extension_requested: '申请延期',
  extension_decided: '延期审批',
  deadline_warning: '期限预警',
  matter_decided: '事项决定',
  case_approved: '准予许可',
  case_partially_approved: '部分准予许可',
  case_refused: '不予许可',
  withdrawn: '撤回申请',
  terminated: '终止审查',
  certificate_issued: '颁发证照',
  delivered: '证照送达',
  marked_urgent: '列为急办件',
  original_seen: '原件已核',
  certificate_revoked: '注销证照',
  rated: '好差评',
  follow_up_opened: '差评整改开始',
  follow_up_replied: '差评整改回复',
  rating_appealed: '差评申诉',
  rating_appeal_decided: '差评申诉复核',
};

const ratingNames: Record<string, string> = {
  very_satisfied: '非常满意',
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
  very_dissatisfied: '非常不满意',
};

export function eventTypeName(type: string): string {
  return typeNames[type] ?? type;
}

const roles: Record<string, string> = {
  clerk: '窗口人员',
  reviewer: '审查人员',
  applicant: '申请人',
  supervisor: '电子监察人员',
  system: '系统',
};

const deadlineNames: Record<string, string> = {
  acceptance: '受理期限',
  supplement: '补正期限',
  review: '承诺办结期限',
  statutory: '法定办结期限',
  delivery: '证照送达期限',
  deficiencies: '容缺材料补齐期限',
};

const law = (articles: string[], text: string): LegalBasis => ({ articles, text });

const ACCEPTANCE = law(
  ['第32条'],
  '《行政许可法》第三十二条：申请材料齐全的应当受理；不齐全的当场或五日内一次告知需要补正的全部内容，逾期不告知的，自收到申请材料之日起即为受理',
);
const REVIEW_LIMIT = law(
  ['第42条'],
  '《行政许可法》第四十二条：自受理之日起二十日内作出决定，经本机关负责人批准可延长十日并告知理由；统一、联合、集中办理的四十五日内，可延长十五日',
);
const EXCLUDED = law(
  ['第45条'],
  '《行政许可法》第四十五条：听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审所需时间不计算在期限内，应书面告知申请人；补正期间期限暂停计算',
);
const DECISION = law(
  ['第38条'],
  '《行政许可法》第三十八条：符合法定条件的作出准予许可的书面决定；不予许可的说明理由，并告知申请行政复议、提起行政诉讼的权利',
);
const DELIVERY = law(
  ['第44条'],
  '《行政许可法》第四十四条：作出准予许可决定之日起十日内向申请人颁发、送达行政许可证件',
);
const CERTIFICATE = law(
  ['第39条', '第44条'],
  '《行政许可法》第三十九条、第四十四条：准予许可需颁发证件的，颁发加盖印章的许可证件，十日内送达',
);
const ONE_TIME = law([], '一次性告知制度：审查中各部门的补正要求合并为一份告知书一次告知申请人');
const ESCALATED = law(['第43条'], '《行政许可法》第四十三条：下级行政机关应当自受理之日起二十日内审查完毕');
const JOINT = law(
  ['第26条', '第42条'],
  '《行政许可法》第二十六条、第四十二条：多个部门办理的，由一个机构统一受理、联合办理，四十五日内办结',
);
const HEARING = law(
  ['第45条', '第46条', '第47条'],
  '《行政许可法》第四十五条至第四十七条：依法举行听证，听证所需时间不计算在审查期限内',
);
const REVIEW = law(['第34条'], '《行政许可法》第三十四条：行政机关对申请人提交的申请材料进行审查');
const ON_THE_SPOT = law(
  ['第34条'],
  '《行政许可法》第三十四条：申请材料齐全、符合法定形式，能够当场作出决定的，应当当场作出书面决定',
);

const GOOD_BAD = law([], '政务服务“好差评”制度：差评经核实后十五个工作日内整改反馈，评价可申诉复核');

function noticeBasis(kind: string): LegalBasis | null {
  switch (kind) {
    case 'supplement':
    case 'accepted':
    case 'not_accepted':
      return ACCEPTANCE;
    case 'approved':
    case 'partially_approved':
    case 'refused':
      return DECISION;
    case 'extension':
      return REVIEW_LIMIT;
    case 'special_procedure':
      return EXCLUDED;
    default:
      return null;
  }
}

/** Recorded data are JSON that may have been edited: read field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;

function join(items: string[]): string {
  return items.length > 0 ? items.join('、') : '（无）';
}

function materialName(state: CaseState | undefined, code: string): string {
  for (const m of state?.matters ?? []) {
    const found = m.materials.find((x) => x.code === code);
    if (found) return found.name;
  }
  return code;
}

const materials = (state: CaseState | undefined, codes: unknown) =>
  join((Array.isArray(codes) ? (codes as string[]) : []).map((c) => materialName(state, c)));

function matterName(state: CaseState | undefined, code: string): string {
  return state?.matters.find((m) => m.code === code)?.name ?? code;
}

function departmentOf(state: CaseState | undefined, taskId: string): string {
  return state?.tasks.find((t) => t.id === taskId)?.departmentName ?? taskId;
}

function caseTitle(state: CaseState | undefined): string {
  return state?.theme?.name ?? state?.matters.map((m) => m.name).join('、') ?? '';
}

function pauseReason(reason: unknown): string {
  if (reason === 'supplement') return '申请人补正材料';
  if (typeof reason === 'string' && reason.startsWith('special_procedure:')) {
    return `特别程序 ${reason.slice('special_procedure:'.length)}`;
  }
  return String(reason);
}

/** The sentence and legal basis of one event; `before` is the case before it, `after` the case after it. */
function describe(
  type: string,
  d: Data,
  before: CaseState | undefined,
  after: CaseState | undefined,
): { what: string; basis: LegalBasis | null } {
  switch (type) {
    case 'received': {
      const channel = d.channel === 'online' ? '网上申请' : d.channel === 'post' ? '邮寄申请' : '窗口收件';
      const extras = [
        d.commitments?.length ? `告知承诺 ${d.commitments.length} 项` : '',
        d.fromLibrary?.length ? `电子证照库调用 ${d.fromLibrary.length} 项` : '',
        d.files?.length ? `电子件 ${d.files.length} 个` : '',
        d.originalsSeen?.length ? `原件已核 ${d.originalsSeen.length} 项` : '',
      ].filter(Boolean);
      return {
        what:
          `${channel}（${d.receivedBy?.window ?? ''} 窗口）：${d.applicant?.name ?? ''}申请“${caseTitle(after)}”，` +
          `办件编号 ${d.caseNo}，提交材料 ${d.materials?.length ?? 0} 项${extras.length ? `，${extras.join('，')}` : ''}；` +
          `应于 ${d.acceptanceDue} 前作出受理决定`,
        basis: ACCEPTANCE,
      };
    }
    case 'notice_sent':
      return {
        what: `向申请人送达《${d.title}》（${d.id}）${d.due ? `，所告知期限：${d.due}` : ''}`,
        basis: noticeBasis(d.kind),
      };
    case 'supplement_requested':
      return {
        what: `一次性告知申请人补正${d.stage === 'review' ? '（审查阶段）' : ''}：${materials(before, d.materials)}；补正期限至 ${d.due}`,
        basis: d.stage === 'review' ? ONE_TIME : ACCEPTANCE,
      };
    case 'materials_supplied':
      return {
        what:
          `申请人补交材料：${materials(before, d.materials)}` +
          (d.commitments?.length ? `；以告知承诺代替：${materials(before, d.commitments)}` : '') +
          (d.files?.length ? `；电子件 ${d.files.length} 个` : '') +
          (d.acceptanceDue ? `；材料已齐全，受理期限重新起算，至 ${d.acceptanceDue}` : ''),
        basis: d.acceptanceDue ? ACCEPTANCE : null,
      };
    case 'accepted':
    case 'deemed_accepted':
      return {
        what:
          (type === 'deemed_accepted'
            ? `五个工作日内未作出受理决定或一次性告知，视为自 ${d.acceptedOn} 起受理`
            : `决定受理（受理日 ${d.acceptedOn}）`) +
          `；法定办结期限 ${d.statutoryDue}（${d.limits?.statutory} 个工作日），承诺办结期限 ${d.promisedDue}（${d.limits?.promised} 个工作日）` +
          (d.deficiencies?.length
            ? `；容缺受理，待补材料：${materials(before, d.deficiencies)}，至 ${d.deficienciesDue} 前补齐`
            : ''),
        basis: ACCEPTANCE,
      };
    case 'not_accepted':
      return { what: `不予受理。理由：${d.reason}`, basis: ACCEPTANCE };
    case 'task_opened': {
      const existing = before?.tasks.find((t) => t.id === d.id);
      const who = `${d.departmentName}${d.lead ? '（牵头部门）' : ''}`;
      const matter = before?.matters.find((m) => m.code === d.matter);
      if (existing && existing.status !== 'waiting') {
        return { what: `补正材料已到，${who}恢复审查“${matterName(before, d.matter)}”，期限至 ${d.due}`, basis: null };
      }
      const basis =
        matter?.kind === 'escalated' && d.stage === 1 ? ESCALATED : matter?.kind === 'joint' ? JOINT : REVIEW_LIMIT;
      return {
        what:
          d.status === 'waiting'
            ? `${who}的审查任务已建立（“${matterName(before, d.matter)}”第二阶段），待前一阶段意见齐备后开始`
            : `${who}开始审查“${matterName(before, d.matter)}”，期限至 ${d.due}`,
        basis,
      };
    }
    case 'opinion_given':
      return {
        what:
          `${departmentOf(before, d.taskId)}审查意见：${d.decision === 'approve' ? '同意' : '不同意'}` +
          (d.reason ? `。理由：${d.reason}` : ''),
        basis: REVIEW,
      };
    case 'department_supplement_requested':
      return {
        what: `${departmentOf(before, d.taskId)}要求补正：${materials(before, d.materials)}。理由：${d.reason}（待合并一次告知）`,
        basis: ONE_TIME,
      };
    case 'task_cancelled':
      return { what: `${departmentOf(before, d.taskId)}的审查任务取消：${d.reason}`, basis: null };
    case 'clock_paused':
      return { what: `审查期限自 ${d.since} 起暂停计算（${pauseReason(d.reason)}）`, basis: EXCLUDED };
    case 'clock_resumed':
      return {
        what:
          `${pauseReason(d.reason)}结束，${d.on} 起` +
          (after?.clock.paused
            ? '该事由不再暂停（仍有其他暂停事由）'
            : `恢复计算，暂停 ${d.pausedWorkingDays} 个工作日，期限相应顺延`) +
          (after?.deadlines.statutoryDue ? `；法定办结期限 ${after.deadlines.statutoryDue}` : ''),
        basis: EXCLUDED,
      };
    case 'special_procedure_started':
      return {
        what: `${departmentOf(before, d.taskId)}启动特别程序：${procedureNames[d.type] ?? d.type}（${d.id}），预计 ${d.expectedWorkingDays} 个工作日。理由：${d.reason}`,
        basis: d.type === 'hearing' ? HEARING : EXCLUDED,
      };
    case 'special_procedure_ended': {
      const p = before?.specialProcedures.find((x) => x.id === d.id);
      return {
        what: `特别程序${p ? (procedureNames[p.type] ?? p.type) : ''}（${d.id}）于 ${d.endedOn} 结束`,
        basis: p?.type === 'hearing' ? HEARING : EXCLUDED,
      };
    }
    case 'extension_requested':
      return {
        what: `${before?.tasks.find((t) => t.department === d.department)?.departmentName ?? d.department}申请延长审查期限 ${d.days} 个工作日（${d.id}）。理由：${d.reason}`,
        basis: REVIEW_LIMIT,
      };
    case 'extension_decided':
      return {
        what:
          `部门负责人${d.decision === 'approve' ? '批准' : '不批准'}延期 ${d.days} 个工作日（${d.id}）` +
          (d.decision === 'approve' && after?.deadlines.statutoryDue
            ? `；法定办结期限延至 ${after.deadlines.statutoryDue}`
            : ''),
        basis: REVIEW_LIMIT,
      };
    case 'deadline_warning': {
      const name = deadlineNames[d.deadline] ?? d.deadline;
      const basis =
        d.deadline === 'acceptance'
          ? ACCEPTANCE
          : d.deadline === 'review' || d.deadline === 'statutory'
            ? REVIEW_LIMIT
            : d.deadline === 'delivery'
              ? DELIVERY
              : null;
      return {
        what: `电子监察${d.level === 'red' ? '红牌预警：已超过' : '黄牌预警：临近'}${name}（${d.due}）`,
        basis,
      };
    }
    case 'matter_decided': {
      const immediate = before?.matters.find((m) => m.code === d.matter)?.kind === 'immediate';
      return {
        what: `事项“${matterName(before, d.matter)}”${d.outcome === 'approved' ? '准予许可' : '不予许可'}${immediate && before?.status === 'in_review' && !before.tasks.some((t) => t.matter === d.matter) ? '（即办件，当场办结）' : ''}`,
        basis: immediate ? ON_THE_SPOT : DECISION,
      };
    }
    case 'case_approved':
      return {
        what: `办件准予许可${d.deliveryDue ? `；证照应于 ${d.deliveryDue} 前颁发送达` : ''}`,
        basis: law([...DECISION.articles, ...DELIVERY.articles], `${DECISION.text}；${DELIVERY.text}`),
      };
    case 'case_partially_approved':
      return {
        what: `办件部分准予许可${d.reasons?.length ? `；不予许可部分的理由：${join(d.reasons)}` : ''}${d.deliveryDue ? `；证照应于 ${d.deliveryDue} 前颁发送达` : ''}`,
        basis: DECISION,
      };
    case 'case_refused':
      return { what: `办件不予许可。理由：${join(d.reasons ?? [])}`, basis: DECISION };
    case 'withdrawn':
      return { what: `申请人撤回申请：${d.reason}`, basis: null };
    case 'terminated':
      return { what: `终止审查：${d.reason}`, basis: null };
    case 'certificate_issued':
      return {
        what: `颁发电子证照《${d.name}》（编号 ${d.certificateNo}），持证人 ${d.holderName}，颁发日 ${d.issuedOn}`,
        basis: CERTIFICATE,
      };
    case 'delivered':
      return {
        what:
          d.method === 'post'
            ? `证照邮寄送达（运单号 ${d.trackingNumber ?? ''}），经办人 ${d.by}，${d.on}`
            : `申请人到窗口领取证照，经办人 ${d.by}，${d.on}`,
        basis: DELIVERY,
      };
    case 'original_seen':
      return { what: `窗口核验原件：${materials(before, d.materials)}`, basis: null };
    case 'marked_urgent':
      return { what: `列为急办件：${d.reason}`, basis: law([], '急办件：由中心牵头，各部门优先办理') };
    case 'certificate_revoked':
      return {
        what: `注销证照（编号 ${d.certificateNo}），经办 ${d.by}。理由：${d.reason}`,
        basis: law(
          ['第70条'],
          '《行政许可法》第七十条：行政许可依法被撤销、撤回或者许可证件依法被吊销等情形，应当依法办理注销手续',
        ),
      };
    case 'rated':
      return {
        what: `申请人评价：${ratingNames[d.level] ?? d.level}${d.comment ? `（${d.comment}）` : ''}`,
        basis: GOOD_BAD,
      };
    case 'follow_up_opened':
      return {
        what: `差评整改（${d.id}）交由${d.departmentName ?? d.department}，应于 ${d.due} 前整改回复`,
        basis: GOOD_BAD,
      };
    case 'follow_up_replied':
      return { what: `整改回复（${d.id}，${d.on}，${d.by}）：${d.text}`, basis: GOOD_BAD };
    case 'rating_appealed':
      return { what: `${d.department} 对评价提出申诉：${d.reason}`, basis: GOOD_BAD };
    case 'rating_appeal_decided':
      return {
        what: `申诉复核：${d.decision === 'void' ? '评价作废' : '维持评价'}。理由：${d.reason}`,
        basis: GOOD_BAD,
      };
    default:
      return { what: `事件 ${type}`, basis: null };
  }
}

function roleOf(kind: string, type: string, role?: string): string {
  // Signed-in staff carry their role; earlier records only the kind.
  if (role && role in roleNames) return roleNames[role as Role];
  // A department head decides an extension (第42条: 本机关负责人批准); the record keeps the kind `reviewer`.
  if (type === 'extension_decided') return '部门负责人';
  if (type === 'rating_appeal_decided' && kind === 'supervisor') return '政务服务办（电子监察）';
  return roles[kind] ?? kind;
}

const isoOrNull = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  const ms = v instanceof Date ? v.getTime() : Date.parse(String(v));
  return Number.isNaN(ms) ? String(v) : new Date(ms).toISOString();
};

/** The timeline of a case, one entry per event in the order recorded. */
export function caseHistory(events: HistoryEvent[]): HistoryEntry[] {
  let state: CaseState | undefined;
  return events.map((e) => {
    const before = state;
    try {
      state = evolve(state, { type: e.type, at: e.at, actor: e.actor, data: e.data } as CaseEvent);
    } catch {
      // A record that does not fold (tampered or incomplete) still gets its timeline; the audit reports it.
    }
    const d = (e.data ?? {}) as Data;
    const actor = (e.actor ?? {}) as {
      kind?: string;
      id?: string;
      role?: string;
      department?: string;
      onBehalfOf?: string;
    };
    let described: { what: string; basis: LegalBasis | null };
    try {
      described = describe(e.type, d, before, state);
    } catch {
      described = { what: `${eventTypeName(e.type)}（记录内容无法解读，见审计）`, basis: null };
    }
    const { what, basis } = described;
    return {
      seq: e.seq,
      type: e.type,
      title: eventTypeName(e.type),
      at: isoOrNull(e.at) ?? e.at,
      recordedAt: isoOrNull(e.recordedAt),
      actor: {
        kind: actor.kind ?? '',
        id: actor.id ?? '',
        role: roleOf(actor.kind ?? '', e.type, actor.role),
        ...(typeof actor.department === 'string' ? { department: actor.department } : {}),
        // AB岗: the away colleague this person acted for.
        ...(typeof actor.onBehalfOf === 'string' ? { onBehalfOf: actor.onBehalfOf } : {}),
      },
      what,
      basis,
      ...(e.type === 'notice_sent' ? { notice: e.data as Notice } : {}),
    };
  });
}
