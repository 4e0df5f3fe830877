/**
 * The request id: one per HTTP request, taken from a sane incoming `X-Request-Id` or made anew, echoed in the
 * answer, in the API's log lines, and carried to the worker in Temporal headers (never in a workflow's arguments,
 * so histories stay the same). Imported by the workflow interceptors too: nothing here may touch Node APIs.
 */
import { defaultPayloadConverter, type Headers } from '@temporalio/common';

/** The Temporal header that carries it from the API's call to the workflow and on to the record step. */
export const REQUEST_ID_HEADER = 'request-id';

const SANE = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** An incoming id worth keeping: printable, no spaces or control characters (log injection), at most 128 chars. */
export function saneRequestId(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && SANE.test(first) ? first : undefined;
}

export function withRequestId(headers: Headers, requestId: string | undefined): Headers {
  if (!requestId) return headers;
  return { ...headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(requestId) };
}

export function requestIdOf(headers: Headers | undefined): string | undefined {
  const payload = headers?.[REQUEST_ID_HEADER];
  if (!payload) return undefined;
  try {
    return saneRequestId(defaultPayloadConverter.fromPayload(payload));
  } catch {
    return undefined;
  }
}
