import { defineConfig } from 'vitest/config';

// A test that asserts nothing passes whatever the code does: every project fails such a test.
const expect = { requireAssertions: true };

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], expect } },
      // Fastify's inject against stubbed deps: validation, the role check and error mapping, no stack.
      { test: { name: 'route', include: ['test/route/**/*.test.ts'], expect } },
      // The case workflow on a local dev server (the pinned CLI) with a stub record: its own logic, in seconds.
      {
        test: {
          name: 'workflow',
          include: ['test/workflow/**/*.test.ts'],
          expect,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      // Committed histories replayed against the current workflow code: offline, no stack.
      {
        test: {
          name: 'replay',
          include: ['test/replay/**/*.test.ts'],
          expect,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          expect,
          globalSetup: ['test/integration/globalSetup.ts'],
          // Files share one stack and some start their own: one file at a time keeps a 2-core machine predictable.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          // The web UI in Chromium (playwright-core) against the same kind of stack; builds web/dist when stale.
          // After the other projects (groupOrder 1): a browser beside the timing-sensitive integration files would
          // crowd a 2-core machine.
          name: 'browser',
          sequence: { groupOrder: 1 },
          include: ['test/browser/**/*.test.ts'],
          expect,
          globalSetup: ['test/browser/globalSetup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
