/**
 * The engine's ceiling for our shape of work: a minimal Restate workflow that receives the same number of signals
 * as an application (accept, two opinions) and does nothing else: no database, no rules.
 */
import '../infra/polyfills.ts';
import http2 from 'node:http2';
import * as restate from '@restatedev/restate-sdk';

export const ceilingWorkflow = restate.workflow({
  name: 'benchCeiling',
  handlers: {
    run: async (ctx: restate.WorkflowContext) => {
      await ctx.promise<string>('accept').get();
      await restate.RestatePromise.all([ctx.promise<string>('opinion1').get(), ctx.promise<string>('opinion2').get()]);
      return 'approved';
    },
    signal: async (ctx: restate.WorkflowSharedContext, name: string) => {
      await ctx.promise<string>(name).resolve(name);
    },
  },
});

export async function serveCeiling(port: number): Promise<() => Promise<void>> {
  const server = http2.createServer(restate.createEndpointHandler({ services: [ceilingWorkflow] }));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
