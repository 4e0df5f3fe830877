/** The API's signing keys: the ring the server built, or (tests, tools) one fixed key that never rotates. */
import { staticKeyRing, type KeyRing } from '../infra/keyRing.ts';
import type { ApiDeps } from './app.ts';

const fixed = new WeakMap<object, KeyRing>();

export function keyRingOf(deps: Pick<ApiDeps, 'keys' | 'signingKey'>): KeyRing {
  if (deps.keys) return deps.keys;
  let ring = fixed.get(deps.signingKey);
  if (!ring) fixed.set(deps.signingKey, (ring = staticKeyRing(deps.signingKey)));
  return ring;
}
