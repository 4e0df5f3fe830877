/** multipart/form-data requests written byte by byte (so that they can be wrong on purpose), sent from any loopback address. */
import { randomBytes } from 'node:crypto';
import http from 'node:http';

export interface FormPart {
  name: string;
  /** Present: a file part. */
  filename?: string;
  contentType?: string;
  data: Buffer | string;
}

export function multipartBody(parts: FormPart[], boundary = `----yimen${randomBytes(8).toString('hex')}`) {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.contentType) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`, 'utf8'), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}`, boundary };
}

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: Buffer;
  /** The body parsed as JSON, when it is JSON. */
  json: any;
}

let addresses = 0;
/**
 * A loopback address of its own: applicant requests are rate-limited per address, and wrong query codes counted per
 * address; each test's applicant comes from elsewhere so that none locks out another (or the rest of the suite).
 */
export function freshAddress(): string {
  addresses++;
  return `127.88.${Math.floor(addresses / 250) % 250}.${(addresses % 250) + 1}`;
}

export function send(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: Buffer; headers?: Record<string, string>; from?: string } = {},
): Promise<RawReply> {
  const target = new URL(`${baseUrl}${path}`);
  const headers: Record<string, string> = { ...options.headers };
  if (options.body) headers['content-length'] = String(options.body.length);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        method,
        path: target.pathname + target.search,
        headers,
        localAddress: options.from ?? '127.0.0.1',
        agent: false,
        timeout: 60_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const bytes = Buffer.concat(chunks);
          let json: unknown;
          if (/^application\/json/.test(response.headers['content-type'] ?? '')) json = JSON.parse(bytes.toString());
          resolve({ status: response.statusCode ?? 0, headers: response.headers, bytes, json });
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${method} ${path}: no answer in 60 s`)));
    request.on('error', reject);
    request.end(options.body);
  });
}

/** POST /files with one file part (and any other parts), as `auth` (a bearer token or a query code). */
export function upload(
  baseUrl: string,
  file: Buffer,
  options: {
    filename?: string;
    contentType?: string;
    token?: string;
    queryCode?: string;
    caseNo?: string;
    from?: string;
    extraParts?: FormPart[];
  } = {},
): Promise<RawReply> {
  const parts: FormPart[] = [];
  if (options.caseNo !== undefined) parts.push({ name: 'caseNo', data: options.caseNo });
  parts.push({
    name: 'file',
    filename: options.filename ?? 'scan.pdf',
    contentType: options.contentType ?? 'application/octet-stream',
    data: file,
  });
  parts.push(...(options.extraParts ?? []));
  const form = multipartBody(parts);
  return send(baseUrl, 'POST', '/files', {
    body: form.body,
    headers: {
      'content-type': form.contentType,
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.queryCode ? { 'x-query-code': options.queryCode } : {}),
    },
    ...(options.from ? { from: options.from } : {}),
  });
}

/** The error shape every refusal has: `{code, message, field?}`, nothing else. */
export function errorShape(reply: RawReply): { code: string; message: string; field?: string } {
  const body = reply.json as Record<string, unknown>;
  if (!body || typeof body.code !== 'string' || typeof body.message !== 'string') {
    throw new Error(`not the error shape: ${reply.status} ${reply.bytes.toString().slice(0, 300)}`);
  }
  const extra = Object.keys(body).filter((k) => !['code', 'message', 'field'].includes(k));
  if (extra.length) throw new Error(`unexpected keys ${extra.join()} in ${JSON.stringify(body)}`);
  return body as { code: string; message: string; field?: string };
}
