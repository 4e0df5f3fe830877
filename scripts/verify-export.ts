/**
 * `npm run verify-export -- FILE [--public-key PEM_FILE]`: checks an exported case file (卷宗,
 * `GET /applications/:caseNo/export`) offline — no database, no network (integrity/exportCheck.ts).
 * Prints `完整 (intact)` and exits 0, or the first problem found (what and where) and exits 1; exits 2 when the
 * input cannot be read (no such file, not JSON, not a case file, an unreadable public key).
 * Without --public-key the key inside the document is only self-consistent: its fingerprint is printed, to be
 * compared with the key the centre publishes at GET /certificates/public-key.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkExport, ed25519PublicKey, type ExportProblem } from '../integrity/exportCheck.ts';

const USAGE = '用法 (usage): npm run verify-export -- FILE [--public-key PEM_FILE]';

function unreadable(message: string): never {
  process.stderr.write(`无法读取 (unreadable): ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { file: string; publicKeyFile?: string } {
  let file: string | undefined;
  let publicKeyFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--public-key') {
      publicKeyFile = argv[++i];
      if (!publicKeyFile) unreadable('--public-key 后缺少公钥文件');
    } else if (arg.startsWith('--public-key=')) {
      publicKeyFile = arg.slice('--public-key='.length);
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (file === undefined) {
      file = arg;
    } else {
      unreadable(`多余的参数 ${arg}`);
    }
  }
  if (!file) unreadable('缺少卷宗文件');
  // `npm run` starts the script in the package folder: relative paths are the caller's (INIT_CWD).
  const from = (p: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
  return { file: from(file), ...(publicKeyFile ? { publicKeyFile: from(publicKeyFile) } : {}) };
}

function where(p: ExportProblem): string {
  const parts = [
    p.seq !== undefined ? `事件 seq ${p.seq}` : undefined,
    p.certificateNo ? `证照 ${p.certificateNo}` : undefined,
    p.field ? `字段 ${p.field}` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('，') : '整个卷宗';
}

function main(): void {
  const { file, publicKeyFile } = parseArgs(process.argv.slice(2));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    unreadable(`${file}：${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    unreadable(`${file} 不是合法的 JSON：${(error as Error).message}`);
  }
  let centreKeyPem: string | undefined;
  if (publicKeyFile) {
    try {
      centreKeyPem = readFileSync(publicKeyFile, 'utf8');
      ed25519PublicKey(centreKeyPem);
    } catch (error) {
      unreadable(`公钥文件 ${publicKeyFile}：${(error as Error).message}`);
    }
  }
  const result = checkExport(document, centreKeyPem === undefined ? {} : { centreKeyPem });
  if (!result.intact) {
    const p = result.problem;
    if (p.kind === 'not_a_case_file') unreadable(`${file}：${p.message}`);
    process.stdout.write(
      [
        '不完整 (NOT intact)',
        `问题 (problem): ${p.message}`,
        `位置 (where): ${where(p)}`,
        `类型 (kind): ${p.kind}`,
        ...(p.recorded !== undefined ? [`卷宗所记 (recorded): ${JSON.stringify(p.recorded)}`] : []),
        ...(p.expected !== undefined ? [`应为 (expected): ${JSON.stringify(p.expected)}`] : []),
        '',
      ].join('\n'),
    );
    process.exit(1);
  }
  process.stdout.write(
    [
      '完整 (intact)',
      `办件 ${result.caseNo}：事件 ${result.events} 条，链头 seq ${result.chainHead.seq} ${result.chainHead.hash}，告知书 ${result.notices} 份，证照 ${result.certificates} 份，电子材料文件 ${result.files} 个（均与事件链中的哈希一致）`,
      `签名公钥指纹 (keyId): ${result.keyId}`,
      result.keyConfirmed
        ? '公钥与所给的政务服务中心公钥一致 (public key confirmed)。'
        : '未给出 --public-key：请将上面的指纹与政务服务中心公布的公钥（GET /certificates/public-key）比对，一致才说明卷宗出自中心 (compare the fingerprint with the centre’s published key)。',
      '',
    ].join('\n'),
  );
  process.exit(0);
}

main();
