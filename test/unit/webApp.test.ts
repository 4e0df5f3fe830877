/**
 * The web app beside the API (api/webApp.ts): its pages and files with the UI's Content-Security-Policy, every
 * other path still the API's JSON 404/405 with the API's strict policy, and a clear 503 when the app is not built.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../api/errors.ts';
import { registerHardening } from '../../api/hardening.ts';
import { registerWebApp, UI_CSP } from '../../api/webApp.ts';

let dir: string;

async function appWith(webDir: string) {
  const app = Fastify();
  installErrorHandler(app);
  await registerHardening(app);
  app.get('/matters', async () => [{ code: 'M' }]);
  app.post('/applications', async () => ({ ok: true }));
  await registerWebApp(app, webDir);
  await app.ready();
  return app;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'web-dist-'));
  await mkdir(path.join(dir, 'dist', 'assets'), { recursive: true });
  await writeFile(path.join(dir, 'dist', 'index.html'), '<!doctype html><title>政务服务中心</title>');
  await writeFile(path.join(dir, 'dist', 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(path.join(dir, 'dist', 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(path.join(dir, 'secret.txt'), 'outside the app');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('web app served by the API', () => {
  it('answers index.html for every page of the app, with the UI policy and no caching', async () => {
    const app = await appWith(path.join(dir, 'dist'));
    for (const url of ['/', '/track', '/audit', '/supervision', '/verify', '/verify/ZZSQ1-01', '/track?caseNo=SQ1']) {
      const reply = await app.inject({ url });
      expect(reply.statusCode, url).toBe(200);
      expect(reply.headers['content-type']).toMatch(/^text\/html/);
      expect(reply.body).toContain('政务服务中心');
      expect(reply.headers['content-security-policy']).toBe(UI_CSP);
      expect(reply.headers['cache-control']).toBe('no-cache');
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(UI_CSP).toContain("script-src 'self'");
    expect(UI_CSP).not.toMatch(/script-src[^;]*unsafe/);
    await app.close();
  });

  it('serves the built files; hashed assets are cached for ever', async () => {
    const app = await appWith(path.join(dir, 'dist'));
    const js = await app.inject({ url: '/assets/index-abc.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ url: '/favicon.svg' })).statusCode).toBe(200);
    await app.close();
  });

  it('keeps the API: routes answer JSON, unknown paths the JSON 404, other methods 405, with the strict policy', async () => {
    const app = await appWith(path.join(dir, 'dist'));
    const matters = await app.inject({ url: '/matters' });
    expect(matters.json()).toEqual([{ code: 'M' }]);
    expect(matters.headers['content-security-policy']).toContain("default-src 'none'");
    for (const url of [
      '/nowhere',
      '/applications/SQ1/nothing',
      '/assets/missing.js',
      '/verify/a/b',
      '/../secret.txt',
    ]) {
      const reply = await app.inject({ url });
      expect(reply.statusCode, url).toBe(404);
      expect(reply.json(), url).toMatchObject({ code: 'route_not_found', field: 'url' });
      expect(reply.headers['content-security-policy']).toContain("default-src 'none'");
    }
    const posted = await app.inject({ method: 'POST', url: '/track', payload: {} });
    expect(posted.statusCode).toBe(405);
    expect(posted.json().code).toBe('method_not_allowed');
    const unknownPost = await app.inject({ method: 'POST', url: '/nowhere', payload: {} });
    expect(unknownPost.statusCode).toBe(404);
    expect(unknownPost.json().code).toBe('route_not_found');
    await app.close();
  });

  it('an app that is not built: the pages say how to build it, the API is unchanged', async () => {
    const app = await appWith(path.join(dir, 'not-built'));
    const page = await app.inject({ url: '/track' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build:web');
    expect((await app.inject({ url: '/matters' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/nowhere' })).json().code).toBe('route_not_found');
    await app.close();
  });
});
