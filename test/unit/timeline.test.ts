/** The auditor's timeline (presentation/timeline.ts) on real paths: one entry per event, who, what, the law, notices as sent. */
import { describe, expect, it } from 'vitest';
import { caseHistory } from '../../presentation/timeline.ts';
import {
  deemedAcceptancePath,
  escalatedPath,
  fullReviewPath,
  immediatePath,
  jointRefusedPath,
  themePartlyApprovedPath,
  type CasePath,
} from './auditPaths.ts';

const entries = (path: CasePath) =>
  caseHistory(
    path.record().rows.map((r, i) => ({ ...r, recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() })),
  );

describe('caseHistory', () => {
  it('one entry per event, in order, with both clocks, the actor and a sentence for every event', () => {
    for (const build of [
      fullReviewPath,
      deemedAcceptancePath,
      escalatedPath,
      jointRefusedPath,
      immediatePath,
      themePartlyApprovedPath,
    ]) {
      const path = build();
      const timeline = entries(path);
      expect(timeline.map((e) => e.seq)).toEqual(path.events.map((_, i) => i + 1));
      expect(timeline.map((e) => e.type)).toEqual(path.events.map((e) => e.type));
      for (const [i, entry] of timeline.entries()) {
        expect(entry.at).toBe(path.events[i]!.at);
        expect(entry.recordedAt).toBe(new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString());
        expect(entry.what).not.toMatch(/^事件 |undefined/);
        expect(entry.title).not.toBe(entry.type);
        expect(['窗口人员', '审查人员', '部门负责人', '申请人', '系统']).toContain(entry.actor.role);
      }
    }
  });

  it('names the article of law behind each step', () => {
    const basis = (path: CasePath, type: string, nth = 0) =>
      entries(path).filter((e) => e.type === type)[nth]?.basis?.articles;
    const full = fullReviewPath();
    expect(basis(full, 'received')).toContain('第32条');
    expect(basis(full, 'accepted')).toEqual(['第32条']);
    expect(basis(full, 'clock_paused')).toEqual(['第45条']);
    expect(basis(full, 'special_procedure_started')).toEqual(['第45条']);
    expect(basis(full, 'extension_requested')).toEqual(['第42条']);
    expect(basis(full, 'extension_decided')).toEqual(['第42条']);
    expect(basis(full, 'case_approved')).toEqual(['第38条', '第44条']);
    expect(basis(full, 'certificate_issued')).toContain('第39条');
    expect(basis(full, 'delivered')).toEqual(['第44条']);
    const deemed = deemedAcceptancePath();
    expect(basis(deemed, 'deemed_accepted')).toEqual(['第32条']);
    expect(basis(deemed, 'supplement_requested')).toEqual(['第32条']);
    expect(basis(escalatedPath(), 'task_opened')).toEqual(['第43条']);
    expect(basis(jointRefusedPath(), 'case_refused')).toEqual(['第38条']);
    expect(basis(jointRefusedPath(), 'task_opened')).toContain('第26条');
  });

  it('says who acted in which role, and what, in Chinese', () => {
    const timeline = entries(fullReviewPath());
    const of = (type: string) => timeline.find((e) => e.type === type)!;
    expect(of('received').actor).toEqual({ kind: 'clerk', id: 'clerk-01', role: '窗口人员' });
    expect(of('materials_supplied').actor.role).toBe('申请人');
    expect(of('opinion_given').actor).toEqual({ kind: 'reviewer', id: 'tp-01', role: '审查人员' });
    expect(of('extension_decided').actor).toEqual({ kind: 'reviewer', id: 'tp-head', role: '部门负责人' });
    expect(of('clock_paused').actor.role).toBe('系统');
    expect(of('special_procedure_started').what).toContain('专家评审');
    expect(of('opinion_given').what).toContain('同意');
    expect(of('clock_resumed').what).toContain('暂停 2 个工作日');
    expect(of('extension_decided').what).toContain('批准延期 10 个工作日');
    expect(of('delivered').what).toContain('窗口领取');
    const deemed = entries(deemedAcceptancePath());
    expect(deemed.find((e) => e.type === 'deemed_accepted')!.what).toContain('视为自 2026-07-08 起受理');
    expect(deemed.find((e) => e.type === 'deadline_warning' && e.what.includes('红牌'))).toBeTruthy();
  });

  it('carries every notice exactly as recorded', () => {
    const path = deemedAcceptancePath();
    const timeline = entries(path);
    const sent = path.events.filter((e) => e.type === 'notice_sent').map((e) => e.data);
    expect(timeline.filter((e) => e.notice).map((e) => e.notice)).toEqual(sent);
    expect(timeline.filter((e) => e.type !== 'notice_sent').every((e) => e.notice === undefined)).toBe(true);
    expect(sent.map((n: any) => n.kind)).toEqual(['supplement', 'accepted', 'approved']);
  });

  it('an entry whose data cannot be read still appears', () => {
    const rows = jointRefusedPath().record().rows;
    const refused = rows.find((r) => r.type === 'case_refused')!;
    refused.data = { reasons: 'not a list' };
    const entry = caseHistory(rows).find((e) => e.type === 'case_refused');
    expect(entry?.what).toContain('不予许可');
  });

  it('a record that does not fold still gets its timeline', () => {
    const rows = fullReviewPath().record().rows.slice(1);
    expect(caseHistory(rows)).toHaveLength(rows.length);
  });
});
