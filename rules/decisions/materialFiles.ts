/** Electronic materials (电子材料) in the record: the files handed in per material and 原件已核 (original seen). */
import { finalStatuses, type MaterialFile } from '../caseModel.ts';
import type { Step } from '../caseDecisions.ts';
import { violation, type Decision, type EventBuffer } from './buffer.ts';

/**
 * The files and originals of a submission or supplement, recorded only when there are any (so that a command without
 * them records exactly what it did before files existed). Each must belong to a material the command hands in.
 */
export function materialFilesOf(command: {
  materials: string[];
  files?: MaterialFile[];
  originalsSeen?: string[];
}): { ok: true; fields: { files?: MaterialFile[]; originalsSeen?: string[] } } | Extract<Decision, { ok: false }> {
  const handedIn = new Set(command.materials);
  const stray = (command.files ?? []).find((f) => !handedIn.has(f.material));
  if (stray) {
    return violation(
      'material_not_handed_in',
      `文件所属材料 ${stray.material} 不在本次提交的材料中`,
      'materials',
    ) as Extract<Decision, { ok: false }>;
  }
  const unseen = (command.originalsSeen ?? []).find((code) => !handedIn.has(code));
  if (unseen) {
    return violation(
      'material_not_handed_in',
      `材料 ${unseen} 不在本次提交的材料中，不能标记原件已核`,
      'materials',
    ) as Extract<Decision, { ok: false }>;
  }
  const originals = [...new Set(command.originalsSeen ?? [])];
  return {
    ok: true,
    fields: {
      ...(command.files?.length ? { files: command.files } : {}),
      ...(originals.length ? { originalsSeen: originals } : {}),
    },
  };
}

/** 原件已核 after the submission: a clerk saw the original of a material the case holds. */
export function markOriginalSeen(buffer: EventBuffer, command: Step<'mark_original_seen'>): Decision {
  const state = buffer.current;
  if (finalStatuses.includes(state.status)) {
    return violation('already_decided', `办件已办结（${state.status}），不能再核验原件`, 'caseNo');
  }
  const known = state.matters.some((m) => m.materials.some((x) => x.code === command.material));
  if (!known) return violation('unknown_material', `本办件不需要材料 ${command.material}`, 'code');
  if (!state.materialsProvided.includes(command.material)) {
    return violation('material_not_provided', `材料 ${command.material} 尚未提交，不能标记原件已核`, 'code');
  }
  if (state.originalsSeen?.includes(command.material)) {
    return violation('original_already_seen', `材料 ${command.material} 的原件已核验`, 'code');
  }
  buffer.push(command.actor, { type: 'original_seen', data: { materials: [command.material] } });
  return buffer.ok();
}
