/**
 * The web app's build (web/ → web/dist) when it is missing or older than its sources: `npm start` and the browser
 * tests call it, so the README's two commands need no third. A fresh build takes a few seconds (Vite).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What the build reads: web/index.html, web/vite.config.ts, web/public/ and web/src/, and the dependency versions. */
function sources(dir = path.join(root, 'web')): string[] {
  const files = ['index.html', 'vite.config.ts', 'tsconfig.json'].map((f) => path.join(dir, f));
  files.push(path.join(root, 'package-lock.json'));
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(path.join(dir, 'src'));
  walk(path.join(dir, 'public'));
  return files.filter((f) => existsSync(f));
}

/** True when web/dist/index.html is missing or older than any source. */
function webBuildStale(distDir = path.join(root, 'web', 'dist')): boolean {
  const index = path.join(distDir, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return sources().some((f) => statSync(f).mtimeMs > built);
}

/** `vite build` of web/ (what `npm run build:web` runs), its output on this process's. */
function buildWeb(): Promise<void> {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [vite, 'build', '--config', path.join(root, 'web', 'vite.config.ts'), '--logLevel', 'warn'],
      // Always a production build: under vitest NODE_ENV is `test`, which Vite would bake into the bundle (React and
      // Ant Design then keep their development warnings, which the browser tests count as console errors).
      { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
    );
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`building the web UI failed (vite build exited with ${code})`)),
    );
  });
}

/** Builds web/dist unless it is up to date; says so in one line when it builds. */
export async function ensureWebBuilt(): Promise<void> {
  if (!webBuildStale()) return;
  const started = Date.now();
  console.log('building the web UI (web/dist) ...');
  await buildWeb();
  console.log(`web UI built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
