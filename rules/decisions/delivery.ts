/** Certificates (电子证照): issuing, delivery (送达) and revocation (注销). */
import type { CaseState, Certificate } from '../caseModel.ts';
import { deliverableStatuses } from '../caseModel.ts';
import type { Step } from '../caseDecisions.ts';
import type { MatterSnapshot } from '../catalogue.ts';
import { revocationNotice } from '../notices.ts';
import { chinaDate, type IsoDate } from '../workingDays.ts';
import { violation, type Decision, type EventBuffer } from './buffer.ts';

/**
 * 注销: only the department that issued the certificate (the matter's lead department, whose name it carries) may
 * revoke it, once, with a reason. Allowed on a finished case: a certificate outlives its case.
 */
export function revokeCertificate(
  buffer: EventBuffer,
  command: Step<'revoke_certificate'>,
  options: { notice?: boolean } = {},
): Decision {
  const state = buffer.current;
  const certificate = state.certificates.find((c) => c.certificateNo === command.certificateNo);
  if (!certificate) {
    return violation('certificate_not_found', `证照 ${command.certificateNo} 不属于本办件`, 'certificateNo');
  }
  const issuer = state.matters.find((m) => m.code === certificate.matter)?.departments.find((d) => d.lead);
  if (!issuer || issuer.code !== command.department) {
    return violation(
      'not_issuing_department',
      `部门 ${command.department} 不是该证照的发证部门（${issuer?.name ?? '未知'}），不能注销`,
      'department',
    );
  }
  if (certificate.revoked) {
    return violation(
      'certificate_already_revoked',
      `证照 ${certificate.certificateNo} 已于 ${certificate.revoked.at} 注销`,
      'certificateNo',
    );
  }
  const reason = command.reason.trim();
  if (!reason) return violation('reason_required', '注销证照必须说明理由', 'reason');
  buffer.push(command.actor, {
    type: 'certificate_revoked',
    data: { certificateNo: certificate.certificateNo, department: issuer.code, reason, by: command.actor.id },
  });
  // The holder is told in writing (recorded as sent, so the notice is in the hash chain like every other).
  if (options.notice) {
    buffer.push(command.actor, {
      type: 'notice_sent',
      data: revocationNotice(buffer.current, buffer.noticeId(), buffer.at, certificate, issuer.name, reason),
    });
  }
  return buffer.ok();
}

export function deliver(buffer: EventBuffer, command: Step<'deliver'>, today: IsoDate): Decision {
  const state = buffer.current;
  if (!deliverableStatuses.includes(state.status)) {
    return violation('not_decided', '办件尚未准予许可，没有可送达的证照', 'caseNo');
  }
  if (state.delivery) return violation('already_delivered', '证照已送达', 'caseNo');
  if (certificatesToIssue(state).length > 0 || state.certificates.length === 0) {
    return violation('certificates_withheld', '证照尚未颁发（容缺材料未补齐）', 'caseNo');
  }
  // A certificate revoked before it reached the holder must not be handed out as if valid.
  const revoked = state.certificates.filter((c) => c.revoked);
  if (revoked.length > 0) {
    return violation(
      'certificate_revoked_before_delivery',
      `证照 ${revoked.map((c) => c.certificateNo).join('、')} 已注销，不能送达`,
      'caseNo',
    );
  }
  if (command.method === 'post' && !command.trackingNumber?.trim()) {
    return violation('tracking_number_required', '邮寄送达必须填写运单号', 'trackingNumber');
  }
  buffer.push(command.actor, {
    type: 'delivered',
    data: {
      method: command.method,
      ...(command.trackingNumber ? { trackingNumber: command.trackingNumber } : {}),
      on: today,
      by: command.actor.id,
    },
  });
  return buffer.ok();
}

/**
 * The certificate (电子证照) of one approved matter. Its number derives from the case number and the matter's place
 * in the case, so issuing it again (a retry) can only ever produce the same certificate.
 */
export function certificateFor(state: CaseState, matter: MatterSnapshot, nowMs: number, prefix = 'ZZ'): Certificate {
  const index = state.matters.findIndex((m) => m.code === matter.code);
  return {
    certificateNo: `${prefix}${state.caseNo.replace(/^SQ/, '')}-${String(index + 1).padStart(2, '0')}`,
    matter: matter.code,
    name: matter.result.name,
    holderName: state.applicant.name,
    holderIdNumber: state.applicant.idNumber,
    issuedOn: chinaDate(nowMs),
  };
}

/** Matters approved whose certificate has not been issued yet (withheld while 容缺 materials are outstanding). */
export function certificatesToIssue(state: CaseState): MatterSnapshot[] {
  // results delivered together (同步发证)
  if (!deliverableStatuses.includes(state.status) || state.deficiencies.length > 0) return [];
  const issued = new Set(state.certificates.map((c) => c.matter));
  return state.matters.filter((m) => state.outcomes[m.code] === 'approved' && !issued.has(m.code));
}
