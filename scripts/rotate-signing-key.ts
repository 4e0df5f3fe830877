/**
 * `npm run rotate-signing-key -- --reason TEXT`: the same rotation as `POST /admin/signing-keys/rotation`, from the shell of a
 * machine that holds the key folder (SIGNING_KEYS_DIR). Running workers and servers pick the new key up within
 * seconds (infra/keyRing.ts); nothing already signed changes.
 */
import { parseArgs } from 'node:util';
import { createDatabase } from '../db/client.ts';
import { createClock } from '../infra/clock.ts';
import { loadSettings, required } from '../infra/config.ts';
import { rotateSigningKey } from '../infra/keyRing.ts';
import { loadSigningKey } from '../infra/signingKey.ts';

const { values } = parseArgs({ options: { reason: { type: 'string' } } });
const reason = values.reason?.trim();
if (!reason) {
  console.error('用法 (usage): npm run rotate-signing-key -- --reason "例行轮换"');
  process.exit(2);
}
const config = loadSettings();
const database = createDatabase(required(config.databaseUrl, 'DATABASE_URL', 'the PostgreSQL of the case record'), {
  max: 1,
});
try {
  const { clock } = config;
  const now = createClock(clock).now();
  const original = loadSigningKey(config.signing, config.dataDir);
  const rotated = await rotateSigningKey(database.db, original, config.signing.keysDir, now, reason);
  console.log(`已停用密钥 (retired) ${rotated.retired}`);
  console.log(`当前密钥 (current) ${rotated.current.keyId}，自 ${rotated.current.validFrom} 起有效`);
} finally {
  await database.close();
}
