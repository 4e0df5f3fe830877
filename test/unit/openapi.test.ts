/**
 * The published contract (/openapi.json) as the API builds it: every operation declares a success answer, the one
 * error shape for each error status, 400 wherever it takes input, and the role check's statuses wherever it has one.
 * The document is built from the route table alone: no database or engine is reached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp, type ApiDeps } from '../../api/app.ts';
import { commonErrors } from '../../api/schemas.ts';

interface Operation {
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: unknown;
  responses: Record<string, { description?: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
}

let app: FastifyInstance;
let paths: Record<string, Record<string, Operation>>;

beforeAll(async () => {
  // Handlers never run here: the stubs only have to let the routes register.
  const deps = {
    db: {},
    catalogue: { get: async () => ({}), invalidate: () => {} },
    signingKey: { keyId: 'k', publicKeyPem: '', publicKey: {} },
    temporal: {},
    taskQueue: 'q',
    engineTimeoutMs: 1000,
    clock: { now: () => 0 },
    certificatePrefix: 'X',
    files: {
      store: {},
      settings: { maxBytes: 1024, orphanHours: 24, storage: { kind: 'folder', dir: '/nonexistent' } },
    },
  } as unknown as ApiDeps;
  app = await buildApp(deps);
  await app.ready();
  paths = (app.swagger() as unknown as { paths: typeof paths }).paths;
});

afterAll(async () => {
  await app.close();
});

const operations = () =>
  Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
  );

describe('the OpenAPI document', () => {
  it('describes the API: every route the suite and the web app use', () => {
    const names = operations().map((o) => o.name);
    expect(names.length).toBeGreaterThan(40);
    for (const name of [
      'POST /applications',
      'GET /applications/{caseNo}',
      'POST /tasks/{id}/opinion',
      'GET /health/ready',
    ])
      expect(names).toContain(name);
  });

  it('every operation has a 2xx answer', () => {
    for (const { name, operation } of operations()) {
      expect(
        Object.keys(operation.responses).some((s) => /^2\d\d$/.test(s)),
        name,
      ).toBe(true);
    }
  });

  it('every operation with a body, a query string or path parameters declares 400', () => {
    for (const { name, operation } of operations()) {
      const takesInput =
        operation.requestBody !== undefined ||
        (operation.parameters ?? []).some((p) => p.in === 'path' || p.in === 'query');
      if (takesInput) expect(Object.keys(operation.responses), name).toContain('400');
    }
  });

  it('every error answer is the one error shape {code, message, field?}', () => {
    for (const { name, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^[45]/.test(status) || (name === 'GET /health/ready' && status === '503')) continue;
        const schema = response.content?.['application/json']?.schema;
        expect(schema, `${name} ${status}`).toBeDefined();
        expect(Object.keys(schema?.properties as object).sort(), `${name} ${status}`).toEqual([
          'code',
          'field',
          'message',
        ]);
        expect(schema?.required, `${name} ${status}`).toEqual(['code', 'message']);
      }
    }
  });

  it('routes behind the role check declare 401 and 403; public ones neither', () => {
    const statuses = (name: string) =>
      Object.keys(operations().find((o) => o.name === name)?.operation.responses ?? {});
    expect(statuses('POST /applications')).toEqual(expect.arrayContaining(['401', '403', '413', '415']));
    expect(statuses('GET /auth/me')).toContain('401');
    expect(statuses('GET /auth/me')).not.toContain('403');
    expect(statuses('GET /matters')).not.toContain('401');
    // applicants with a query code: wrong codes are limited
    expect(statuses('POST /applications/{caseNo}/rating')).toEqual(expect.arrayContaining(['401', '429']));
  });

  it('non-JSON answers name their media type', () => {
    const content = (name: string) =>
      Object.keys(operations().find((o) => o.name === name)?.operation.responses['200']?.content ?? {});
    expect(content('GET /ledger')).toEqual(
      expect.arrayContaining(['application/json', 'text/csv', expect.stringContaining('spreadsheetml')]),
    );
    expect(content('GET /certificates/{number}/print')).toEqual(['text/html']);
    expect(content('GET /certificates/{number}/verify')).toEqual(['application/json', 'text/html']);
  });
});

describe('commonErrors', () => {
  it('adds what the access action, the input and the method imply', () => {
    expect(commonErrors({ method: 'GET', config: { access: 'catalogue.read' } })).toEqual([414]);
    expect(commonErrors({ method: 'GET', config: { access: 'catalogue.read' }, schema: { params: {} } })).toEqual([
      400, 414,
    ]);
    expect(commonErrors({ method: 'POST', config: { access: 'case.accept' } })).toEqual([400, 401, 403, 413, 414, 415]);
    expect(commonErrors({ method: 'GET', config: { access: 'auth.session' } })).toEqual([401, 414]);
    expect(commonErrors({ method: 'GET', config: { access: 'case.read' }, schema: { params: {} } })).toEqual([
      400, 401, 403, 414, 429,
    ]);
  });
});
