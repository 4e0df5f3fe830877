/**
 * The browser tests' stack: the web app built into web/dist when it is missing or older than web/src (the API
 * serves it from there), then the integration suite's stack (embedded PostgreSQL, Temporal dev server, worker, API).
 */
import type { TestProject } from 'vitest/node';
import { ensureWebBuilt } from '../../infra/webBuild.ts';
import integrationSetup from '../integration/globalSetup.ts';

export default async function setup(project: TestProject) {
  await ensureWebBuilt();
  return integrationSetup(project);
}
