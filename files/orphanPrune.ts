/**
 * The server's periodic removal of uploads never attached to a case (files/records.ts pruneOrphans): once at start,
 * then every quarter of FILE_ORPHAN_HOURS, at least every second and at most every 10 minutes.
 */
import type { Database } from '../db/client.ts';
import { pruneOrphans } from './records.ts';
import type { FileStore } from './store.ts';

export function pruneInterval(orphanHours: number): number {
  return Math.min(10 * 60_000, Math.max(1_000, Math.round((orphanHours * 3_600_000) / 4)));
}

export function startOrphanPrune(
  db: Database,
  store: FileStore,
  orphanHours: number,
  log: (message: string, error?: unknown) => void,
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= pruneOrphans(db, store, orphanHours)
      .then(
        ({ rows, contents }) => {
          if (rows > 0) log(`pruned ${rows} unattached uploads (${contents} stored contents)`);
        },
        (error: unknown) => log('pruning unattached uploads failed', error),
      )
      .finally(() => {
        running = undefined;
      });
  };
  run();
  const timer = setInterval(run, pruneInterval(orphanHours));
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
