/** `npm start`: the whole system on this machine, data kept in ./.data across restarts. Ctrl-C stops everything. */
import { loadSettings } from '../infra/config.ts';
import { requireFreePort } from '../infra/ports.ts';
import { startStack } from '../infra/stack.ts';
import { ensureWebBuilt } from '../infra/webBuild.ts';

const settings = loadSettings();
const apiPort = settings.api.port;
const { port: temporalPort, uiPort: temporalUiPort } = settings.temporal;
const external = Boolean(settings.temporal.address);
try {
  // Fixed ports, checked before anything starts: a second `npm start` must not collide silently with the first.
  await requireFreePort(apiPort, 'PORT', 'API');
  if (!external) {
    await requireFreePort(temporalPort, 'TEMPORAL_PORT', 'Temporal');
    await requireFreePort(temporalUiPort, 'TEMPORAL_UI_PORT', 'Temporal Web UI');
  }
  if (settings.postgresPort && !settings.databaseUrl) {
    await requireFreePort(settings.postgresPort, 'POSTGRES_PORT', 'PostgreSQL');
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

// The web UI is served by the API from web/dist: build it when it is missing or older than web/src.
if (!settings.api.webDistDir) {
  await ensureWebBuilt().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}

const stack = await startStack({
  dataDir: settings.dataDir,
  inheritOutput: true,
  apiPort,
  temporalPort,
  temporalUiPort,
  // `npm start` is the demonstration: the demo accounts are there unless DEMO_USERS=false says otherwise.
  ...(settings.demoUsers === undefined ? { env: { DEMO_USERS: 'true' } } : {}),
}).catch((error: unknown) => {
  console.error(`start-up failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
console.log(`
政务服务中心 一门式审批 is running
  Web app      ${stack.apiUrl}/  (办件查询 /track, 证照核验 /verify, 审计 /audit, 电子监察 /supervision)
  API          ${stack.apiUrl}
  OpenAPI      ${stack.apiUrl}/openapi.json
  Temporal     ${stack.temporalAddress} (namespace ${stack.namespace}, task queue ${stack.taskQueue})${external ? ' (external)' : ''}
  Web UI       ${stack.uiUrl ?? (external ? 'the cluster’s own' : '(headless)')}
  PostgreSQL   ${stack.databaseUrl.replace(/:[^:@/]+@/, ':***@')}
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
