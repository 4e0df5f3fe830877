/** The web app's build (`npm run build:web`): web/ → web/dist, served by the API server (api/webApp.ts). */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.VITE_API_PROXY || 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // One vendor chunk for React + Ant Design: cached across releases of the pages.
    chunkSizeWarningLimit: 2000,
    // Timings warnings depend on the machine's load, not on the code: keep the build's output quiet.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  // `npx vite --config web/vite.config.ts` for development: the API calls go to a running `npm start`.
  server: {
    proxy: Object.fromEntries(
      [
        '/applications',
        '/certificates',
        '/supervision/',
        '/matters',
        '/themes',
        '/tasks',
        '/files',
        '/openapi.json',
      ].map((p) => [p, api]),
    ),
  },
});
