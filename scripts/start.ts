/** `npm start`: the whole system on this machine, data kept in ./.data across restarts. Ctrl-C stops everything. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack } from '../infra/stack.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const stack = await startStack({
  dataDir: process.env.DATA_DIR ?? path.join(root, '.data'),
  inheritOutput: true,
  // Fixed ports: the data kept in .data (Restate's deployments, its node address) refers to them.
  workerPort: port('WORKER_PORT', 9080),
  restatePorts: {
    ingress: port('RESTATE_INGRESS_PORT', 8080),
    admin: port('RESTATE_ADMIN_PORT', 9070),
    node: port('RESTATE_NODE_PORT', 5122),
  },
});

console.log(`
政务服务中心 一门式审批 is running
  API          ${stack.apiUrl}      (OpenAPI: ${stack.apiUrl}/openapi.json)
  PostgreSQL   ${stack.databaseUrl.replace(/:[^:@/]+@/, ':***@')}
  Restate      ingress ${stack.ingressUrl}, admin and UI ${stack.adminUrl}
  Worker       ${stack.workerUrl}
Press Ctrl-C to stop.`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('stopping ...');
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
