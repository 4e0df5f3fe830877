/** Request ids, the metrics' route label and who may scrape /metrics: the pure parts of observability. */
import { describe, expect, it } from 'vitest';
import { requestIdOf, saneRequestId, withRequestId } from '../../infra/requestId.ts';
import { routeLabel, UNMATCHED_ROUTE } from '../../api/metrics.ts';
import { isLoopback, mayScrape } from '../../api/routes/metrics.ts';
import { withTimeout } from '../../infra/timeout.ts';

describe('an incoming X-Request-Id', () => {
  it('is kept when it is a plain token (a UUID, a proxy trace id)', () => {
    expect(saneRequestId('3f1c2a1e-7d2b-4c55-9a51-0f0e6f1a2b3c')).toBe('3f1c2a1e-7d2b-4c55-9a51-0f0e6f1a2b3c');
    expect(saneRequestId('req:lb-01/42')).toBe('req:lb-01/42');
    expect(saneRequestId(['first', 'second'])).toBe('first');
  });

  it('is refused when it could forge log lines or bloat them', () => {
    expect(saneRequestId('a\nb')).toBeUndefined();
    expect(saneRequestId('has space')).toBeUndefined();
    expect(saneRequestId('"quoted"')).toBeUndefined();
    expect(saneRequestId('x'.repeat(129))).toBeUndefined();
    expect(saneRequestId('x'.repeat(128))).toBe('x'.repeat(128));
    expect(saneRequestId('')).toBeUndefined();
    expect(saneRequestId(undefined)).toBeUndefined();
    expect(saneRequestId('请求')).toBeUndefined();
  });
});

describe('the request id in Temporal headers', () => {
  it('goes in and comes out unchanged, leaving other headers alone', () => {
    const other = { other: { metadata: {}, data: new Uint8Array([1]) } };
    const headers = withRequestId(other, 'abc-123');
    expect(requestIdOf(headers)).toBe('abc-123');
    expect(headers.other).toBe(other.other);
  });

  it('adds nothing without an id, and yields nothing from headers without one', () => {
    expect(withRequestId({}, undefined)).toEqual({});
    expect(requestIdOf({})).toBeUndefined();
    expect(requestIdOf(undefined)).toBeUndefined();
  });
});

describe('the route label of a request', () => {
  it('is the route pattern, and one fixed label when no route matched', () => {
    expect(routeLabel('/applications/:caseNo')).toBe('/applications/:caseNo');
    expect(routeLabel(undefined)).toBe(UNMATCHED_ROUTE);
    expect(routeLabel('')).toBe(UNMATCHED_ROUTE);
  });
});

describe('who may scrape /metrics', () => {
  it('without a token: clients on this machine only', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('10.0.0.5')).toBe(false);
    expect(isLoopback('::ffff:10.0.0.5')).toBe(false);
    expect(isLoopback('1127.0.0.1')).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
    expect(mayScrape({ headers: {}, socketAddress: '127.0.0.1' })).toBe(true);
    expect(mayScrape({ headers: {}, socketAddress: '192.168.1.9' })).toBe(false);
  });

  it('with a token: whoever sends it as a bearer token, from anywhere, and no one else, not even loopback', () => {
    const token = 'scrape-me';
    expect(mayScrape({ headers: { authorization: 'Bearer scrape-me' }, socketAddress: '10.0.0.5' }, token)).toBe(true);
    expect(mayScrape({ headers: { authorization: 'Bearer scrape-you' }, socketAddress: '10.0.0.5' }, token)).toBe(
      false,
    );
    expect(mayScrape({ headers: { authorization: 'scrape-me' }, socketAddress: '10.0.0.5' }, token)).toBe(false);
    expect(mayScrape({ headers: {}, socketAddress: '127.0.0.1' }, token)).toBe(false);
  });
});

describe('withTimeout', () => {
  it('passes a prompt answer through and rejects a late one, naming what was late', async () => {
    await expect(withTimeout(Promise.resolve(7), 50)).resolves.toBe(7);
    const never = new Promise<never>(() => {});
    await expect(withTimeout(never, 20, 'PostgreSQL')).rejects.toThrow('PostgreSQL did not answer within 20 ms');
  });
});
