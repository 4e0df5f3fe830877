/** The dev server's command line: the SQLite file is synced at every commit unless a benchmark asks otherwise. */
import { expect, it } from 'vitest';
import { devServerArgs } from '../../infra/temporalServer.ts';

const base = { cli: 'temporal', dataDir: '/data', port: 7233 };

function pragmas(args: string[]): string[] {
  return args.flatMap((a, i) => (a === '--sqlite-pragma' ? [args[i + 1]!] : []));
}

it('starts SQLite in WAL mode with synchronous=FULL by default: an acknowledged step survives a power cut', () => {
  expect(pragmas(devServerArgs(base))).toEqual(['journal_mode=WAL', 'synchronous=FULL']);
});

it('takes the pragmas a benchmark passes instead', () => {
  expect(pragmas(devServerArgs({ ...base, pragmas: ['journal_mode=WAL', 'synchronous=NORMAL'] }))).toEqual([
    'journal_mode=WAL',
    'synchronous=NORMAL',
  ]);
});
