/**
 * Where the engine is: a Temporal cluster or Temporal Cloud (`TEMPORAL_ADDRESS`, namespace, mTLS or API key), or the
 * dev server the launcher starts. The connection the API, the worker and the tools make from the settings.
 */
import { readFileSync } from 'node:fs';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { required, type Settings } from './config.ts';

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

export function temporalSettings(config: Settings['temporal']): TemporalSettings {
  const address = required(config.address, 'TEMPORAL_ADDRESS', 'host:port of the Temporal frontend');
  const { tlsCert: cert, tlsKey: key, tlsCa: ca, apiKey } = config;
  // An API key (Temporal Cloud) always travels over TLS; so does a client certificate.
  const useTls = Boolean(cert || ca || apiKey);
  return {
    address,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
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

export function connectClient(settings: TemporalSettings): Promise<Connection> {
  return Connection.connect(connectionOptions(settings) as ConnectionOptions);
}
