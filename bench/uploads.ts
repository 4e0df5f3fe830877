/**
 * `npm run bench:uploads`: upload throughput and latency of `POST /files` with 5 MB PDFs, 16 in flight.
 *
 * Starts a fresh stack in a temp dir (the folder store under its data dir, as `npm start` does), signs in as the
 * demo clerk and sends BENCH_UPLOADS (160) PDFs of BENCH_UPLOAD_MB (5) MB, each with bytes of its own (every upload is
 * checked by pdf.js, hashed and stored), BENCH_UPLOAD_CONCURRENCY (16) at a time, after BENCH_UPLOAD_WARMUP (16)
 * untimed ones. Prints uploads/s, MB/s, p50 / p99 / max per upload, and the load average. A benchmark, not a test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../infra/ports.ts';
import { startStack } from '../infra/stack.ts';
import { minimalPdf } from '../test/support/files.ts';
import { login } from '../test/integration/http.ts';
import { upload } from '../test/integration/uploadClient.ts';

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 160);
const WARMUP = Number(process.env.BENCH_UPLOAD_WARMUP ?? 16);
const CONCURRENCY = Number(process.env.BENCH_UPLOAD_CONCURRENCY ?? 16);
const MEGABYTES = Number(process.env.BENCH_UPLOAD_MB ?? 5);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** A valid three-page PDF of about `MEGABYTES`, its padding unique to `n` (so each content is stored anew). */
function pdfOf(n: number): Buffer {
  const target = MEGABYTES * 1024 * 1024;
  const head = `bench ${process.pid} ${n} `;
  return minimalPdf(3, head + 'x'.repeat(Math.max(0, target - 1200 - head.length * 3) / 3));
}

async function run(apiUrl: string, token: string, count: number, offset: number) {
  const latencies: number[] = [];
  let bytes = 0;
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    for (let i = next++; i < count; i = next++) {
      const pdf = pdfOf(offset + i);
      const t0 = performance.now();
      const reply = await upload(apiUrl, pdf, { token, filename: `scan-${i}.pdf` });
      latencies.push(performance.now() - t0);
      if (reply.status !== 201) throw new Error(`upload ${i}: HTTP ${reply.status} ${reply.bytes.toString()}`);
      bytes += pdf.length;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return { seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b), bytes };
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'approvals-upload-bench-'));
const stack = await startStack({ dataDir, apiPort: await freePort(), env: { DEMO_USERS: 'true' } });
try {
  const token = await login(stack.apiUrl, 'clerk1');
  console.log(`${MEGABYTES} MB PDFs, ${CONCURRENCY} in flight: ${WARMUP} warm-up, ${UPLOADS} timed`);
  await run(stack.apiUrl, token, WARMUP, 1_000_000);
  const { seconds, latencies, bytes } = await run(stack.apiUrl, token, UPLOADS, 0);
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  console.log(`uploads/s: ${(UPLOADS / seconds).toFixed(2)}   MB/s: ${(bytes / 1024 / 1024 / seconds).toFixed(1)}`);
  console.log(
    `per upload: p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1)!)}`,
  );
  console.log(
    `load average: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (${os.cpus().length} cores)`,
  );
} finally {
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
}
process.exit(0);
