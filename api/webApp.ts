/**
 * The web application (web/, built by `npm run build:web` into web/dist): its static files under `/`, and its
 * own routes (`/track`, `/verify/:number`, …) answered with index.html so that a reload or a link lands on the page
 * (SPA fallback). Every other path keeps the API's behaviour: a GET that is no file falls through to the JSON 404
 * (or 405) of api/errors.ts.
 *
 * The pages need a wider Content-Security-Policy than the API's JSON (api/hardening.ts): scripts, styles, fonts and
 * images from 'self', and inline styles, because Ant Design injects its CSS-in-JS as <style> elements and sets style
 * attributes. Only what this plugin serves gets it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

/** The built app: WEB_DIST_DIR, or web/dist of this checkout. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../web/dist', import.meta.url));

/** The pages of the app (kept in step with web/src/App.tsx). `:param` is one path segment. */
const UI_ROUTES = [
  '/',
  '/login',
  '/window',
  '/inbox',
  '/track',
  '/audit',
  '/supervision',
  '/accounts',
  '/feedback',
  '/disclosure',
  '/complaint-desk',
  '/kiosk',
  '/board',
  '/booking',
  '/verify',
  '/verify/:number',
] as const;

export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function uiHeaders(reply: FastifyReply, filePath: string) {
  reply.header('content-security-policy', UI_CSP);
  // Vite names every asset by its content hash: cache them for ever, never the page that names them.
  reply.header(
    'cache-control',
    filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
  );
}

export async function registerWebApp(app: FastifyInstance, webDir: string = DEFAULT_WEB_DIR): Promise<void> {
  const root = path.resolve(webDir);
  if (!existsSync(path.join(root, 'index.html'))) {
    // Not built (`npm run build:web`; `npm start` and `npm test` build it): say so on the pages, keep the API.
    for (const url of UI_ROUTES) {
      app.get(url, { schema: { hide: true } }, async (_request, reply) =>
        reply
          .status(503)
          .type('text/plain; charset=utf-8')
          .send(
            '界面尚未构建：请运行 npm run build:web（npm start 会自动构建）。The web UI is not built: npm run build:web',
          ),
      );
    }
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // `/` is a page of the app, answered below like the others.
    index: false,
    // Files only: a directory listing or a redirect to a trailing slash would answer paths the API owns.
    redirect: false,
    // One route per built file instead of a `/*` wildcard: a wildcard would catch every path the API refuses itself
    // (an over-long parameter answers 414, a bad encoding 400 from the router), turning them into 404s. The files are
    // fixed once built, and the server starts after the build.
    wildcard: false,
    setHeaders: (reply: FastifyReply, filePath: string) => uiHeaders(reply, filePath),
    schemaHide: true,
  });
  for (const url of UI_ROUTES) {
    app.get(url, { schema: { hide: true } }, (_request, reply) => reply.sendFile('index.html'));
  }
}
