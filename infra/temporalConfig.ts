/**
 * Where the engine is: a Temporal cluster or Temporal Cloud (`TEMPORAL_ADDRESS`, namespace, mTLS or API key), or the
 * dev server the launcher starts. One reading of the environment for the API, the worker and the tools.
 */
import { readFileSync } from 'node:fs';
import { Connection, type ConnectionOptions } from '@temporalio/client';

export const DEFAULT_TASK_QUEUE = 'cases';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_ENGINE_TIMEOUT_MS = 10_000;

export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  tls?: {
    clientCertPair?: { crt: Buffer; key: Buffer };
    serverRootCACertificate?: Buffer;
  };
  apiKey?: string;
}

export function temporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const address = env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS must be set (host:port of the Temporal frontend)');
  const cert = env.TEMPORAL_TLS_CERT;
  const key = env.TEMPORAL_TLS_KEY;
  const ca = env.TEMPORAL_TLS_CA;
  if (Boolean(cert) !== Boolean(key)) throw new Error('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together');
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  // An API key (Temporal Cloud) always travels over TLS; so does a client certificate.
  const useTls = Boolean(cert || ca || apiKey);
  return {
    address,
    namespace: env.TEMPORAL_NAMESPACE || DEFAULT_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE || DEFAULT_TASK_QUEUE,
    ...(useTls
      ? {
          tls: {
            ...(cert && key ? { clientCertPair: { crt: readFileSync(cert), key: readFileSync(key) } } : {}),
            ...(ca ? { serverRootCACertificate: readFileSync(ca) } : {}),
          },
        }
      : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}

/** Options for a client or a worker's native connection (the same shape for both). */
export function connectionOptions(settings: TemporalSettings) {
  return {
    address: settings.address,
    ...(settings.tls ? { tls: settings.tls } : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
  };
}

export function engineTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.ENGINE_TIMEOUT_MS || DEFAULT_ENGINE_TIMEOUT_MS);
  if (!(value > 0)) throw new Error(`ENGINE_TIMEOUT_MS must be a positive number of milliseconds: ${value}`);
  return value;
}

export function connectClient(settings: TemporalSettings): Promise<Connection> {
  return Connection.connect(connectionOptions(settings) as ConnectionOptions);
}
