/**
 * Where the CPU went during a benchmark phase (Linux /proc; elsewhere nothing is reported): CPU seconds of each process
 * of the stack (named by `label`) and of the whole machine, so the figure can be read against what other work on the
 * machine took at the same time.
 */
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  ticks: number;
}

function readProc(pid: string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' '); // fields[0] is field 3 (state)
    return { pid: Number(pid), ppid: Number(fields[1]), comm, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Busy and total ticks of the whole machine (all cores) from /proc/stat. */
function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

interface CpuSnapshot {
  at: number;
  byLabel: Map<string, number>;
  machine?: { busy: number; total: number };
}

/** CPU ticks of this process and all its descendants, summed per label. */
export function snapshot(label: (p: ProcStat) => string): CpuSnapshot {
  const byPid = new Map<number, ProcStat>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    // not Linux
  }
  for (const pid of pids) {
    const stat = readProc(pid);
    if (stat) byPid.set(stat.pid, stat);
  }
  const children = new Map<number, ProcStat[]>();
  for (const stat of byPid.values()) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const byLabel = new Map<string, number>();
  const visit = (stat: ProcStat, inherited?: string) => {
    const name = inherited ?? label(stat);
    byLabel.set(name, (byLabel.get(name) ?? 0) + stat.ticks);
    // A process's helpers (PostgreSQL's backends) count for it.
    for (const child of children.get(stat.pid) ?? []) visit(child, stat.pid === process.pid ? undefined : name);
  };
  const self = byPid.get(process.pid);
  if (self) visit(self);
  const machine = machineTicks();
  return { at: performance.now(), byLabel, ...(machine ? { machine } : {}) };
}

export interface CpuReport {
  seconds: number;
  /** CPU seconds per label over the phase. */
  byLabel: [string, number][];
  ours: number;
  /** Busy CPU seconds of the whole machine, and of everything not ours (other agents' tests...). */
  machine?: number;
  others?: number;
  cores: number;
}

export function difference(before: CpuSnapshot, after: CpuSnapshot): CpuReport {
  const byLabel = [...after.byLabel]
    .map(([name, ticks]): [string, number] => [name, (ticks - (before.byLabel.get(name) ?? 0)) / TICKS_PER_SECOND])
    .sort((a, b) => b[1] - a[1]);
  const ours = byLabel.reduce((sum, [, s]) => sum + s, 0);
  const report: CpuReport = { seconds: (after.at - before.at) / 1000, byLabel, ours, cores: os.cpus().length };
  if (before.machine && after.machine) {
    report.machine = (after.machine.busy - before.machine.busy) / TICKS_PER_SECOND;
    report.others = Math.max(0, report.machine - ours);
  }
  return report;
}

export function formatCpu(report: CpuReport, applications: number): string {
  const capacity = report.seconds * report.cores;
  const parts = report.byLabel
    .filter(([, s]) => s >= 0.05)
    .map(([name, s]) => `${name} ${s.toFixed(1)} s (${((s * 1000) / applications).toFixed(1)} ms/app)`);
  const machine =
    report.machine !== undefined
      ? `; machine busy ${((100 * report.machine) / capacity).toFixed(0)}% of ${report.cores} cores, ` +
        `others ${(report.others ?? 0).toFixed(1)} s`
      : '';
  return `cpu: ${parts.join(', ')}${machine}`;
}

/** Several phases as one (the rounds of a run). */
export function sumReports(reports: CpuReport[]): CpuReport {
  const byLabel = new Map<string, number>();
  for (const r of reports) for (const [name, s] of r.byLabel) byLabel.set(name, (byLabel.get(name) ?? 0) + s);
  const sum = (pick: (r: CpuReport) => number | undefined) =>
    reports.every((r) => pick(r) !== undefined) ? reports.reduce((a, r) => a + (pick(r) ?? 0), 0) : undefined;
  const machine = sum((r) => r.machine);
  const others = sum((r) => r.others);
  return {
    seconds: reports.reduce((a, r) => a + r.seconds, 0),
    byLabel: [...byLabel].sort((a, b) => b[1] - a[1]),
    ours: reports.reduce((a, r) => a + r.ours, 0),
    cores: reports[0]?.cores ?? os.cpus().length,
    ...(machine !== undefined ? { machine } : {}),
    ...(others !== undefined ? { others } : {}),
  };
}
