/**
 * `npm run backfill`: give every case the read models and the signed chain head it would have had, from its event
 * log (db/backfill.ts). Idempotent; prints what it did and exits 0, or 1 when some case does not fold (named).
 * Uses the configuration of the worker (DATABASE_URL, the signing key set, the clock).
 */
import { createDatabase } from '../db/client.ts';
import { backfill } from '../db/backfill.ts';
import { createClock } from '../infra/clock.ts';
import { loadSettings, required } from '../infra/config.ts';
import { createKeyRing } from '../infra/keyRing.ts';
import { loadSigningKey } from '../infra/signingKey.ts';

const config = loadSettings();
const database = createDatabase(required(config.databaseUrl, 'DATABASE_URL', 'the PostgreSQL of the case record'), {
  max: 2,
});
try {
  const { clock } = config;
  const now = createClock(clock).now();
  const keys = createKeyRing(database.db, loadSigningKey(config.signing, config.dataDir), config.signing.keysDir);
  const report = await backfill(database.db, await keys.current(), now);
  console.log(JSON.stringify(report));
  console.log(
    `补录完成 (backfill done)：办件 ${report.cases} 件，重建读模型 ${report.readModels} 件，补签链头 ${report.headsSigned} 件，无需改动 ${report.unchanged} 件` +
      (report.unfoldable.length > 0
        ? `，无法回放 ${report.unfoldable.length} 件：${report.unfoldable.join('、')}`
        : ''),
  );
  process.exitCode = report.unfoldable.length > 0 ? 1 : 0;
} finally {
  await database.close();
}
