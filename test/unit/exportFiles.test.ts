/**
 * Files in the exported case file (integrity/exportFiles.ts through checkExport): the bytes travel in the signed
 * JSON and are hashed against what the chain recorded. A changed byte fails the check, even re-signed.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assembleCaseFile, signCaseFile } from '../../api/caseExport.ts';
import { signingKeyFromPem } from '../../infra/signingKey.ts';
import { extendChain } from '../../integrity/hashChain.ts';
import { checkExport, type CaseFileExport, type ExportedEvent } from '../../integrity/exportCheck.ts';
import type { ExportedFile } from '../../integrity/exportFiles.ts';
import { Driver, cst, snapshot, submitCommand } from './fixtures.ts';

const CENTRE = signingKeyFromPem(
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
);
const AD = snapshot('OUTDOOR_AD_PERMIT');
const scan = Buffer.from('%PDF-1.4 a scanned application form\n%%EOF\n');
const photo = Buffer.from('\x89PNG a photographed licence', 'latin1');
const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const fileOf = (material: string, id: string, bytes: Buffer) => ({
  material,
  id,
  sha256: hash(bytes),
  contentType: 'application/pdf',
  size: bytes.length,
});

function exported(contents: Record<string, Buffer | null> = {}): CaseFileExport {
  const d = new Driver();
  const files = [
    fileOf('OUTDOOR_AD_APPLICATION', 'AAAAAAAAAAAAAAAAAAAAAA', scan),
    fileOf('BUSINESS_LICENCE', 'BBBBBBBBBBBBBBBBBBBBBB', photo),
  ];
  d.run(submitCommand([AD], ['OUTDOOR_AD_APPLICATION', 'BUSINESS_LICENCE'], { files }), cst('2026-07-06 09:00'));
  const caseNo = d.current.caseNo;
  const { chained, head } = extendChain(caseNo, undefined, 1, d.log);
  const events: ExportedEvent[] = chained.map((e) => ({
    seq: e.seq,
    type: e.type,
    at: e.at,
    actor: e.actor,
    data: e.data,
    prevHash: e.prevHash,
    hash: e.hash,
  }));
  const bytes: Record<string, Buffer | null> = {
    AAAAAAAAAAAAAAAAAAAAAA: scan,
    BBBBBBBBBBBBBBBBBBBBBB: photo,
    ...contents,
  };
  const exportedFiles: ExportedFile[] = files.map((f) => ({
    ...f,
    seq: 1,
    content: bytes[f.id]?.toString('base64') ?? null,
  }));
  return assembleCaseFile({
    caseNo,
    events,
    certificates: [],
    files: exportedFiles,
    head,
    exportedAt: '2026-07-09T02:00:00.000Z',
    signingKey: CENTRE,
  });
}

const resigned = (doc: CaseFileExport) => {
  const { signature: _signature, ...rest } = doc;
  return signCaseFile(rest, CENTRE);
};

describe('files in the export', () => {
  it('an export with its files checks intact and counts them', () => {
    const result = checkExport(exported(), { centreKeyPem: CENTRE.publicKeyPem });
    expect(result).toMatchObject({ intact: true, files: 2 });
  });

  it('one changed byte of a file: file_mismatch, also when the document is re-signed', () => {
    const doc = exported();
    const bytes = Buffer.from(doc.files![0]!.content!, 'base64');
    bytes[3] = bytes[3]! ^ 1;
    doc.files![0]!.content = bytes.toString('base64');
    for (const candidate of [doc, resigned(doc)]) {
      const result = checkExport(candidate, { centreKeyPem: CENTRE.publicKeyPem });
      expect(result.intact).toBe(false);
      if (!result.intact)
        expect(result.problem).toMatchObject({ kind: 'file_mismatch', seq: 1, field: 'files[0].content' });
    }
  });

  it('a file missing at export time (content null) or left out: file_missing', () => {
    const result = checkExport(exported({ BBBBBBBBBBBBBBBBBBBBBB: null }));
    expect(!result.intact && result.problem.kind).toBe('file_missing');
    const doc = exported();
    doc.files = doc.files!.slice(0, 1);
    const left = checkExport(resigned(doc));
    expect(!left.intact && left.problem).toMatchObject({ kind: 'file_missing', field: 'files' });
  });

  it('a file no event records: file_unrecorded', () => {
    const doc = exported();
    doc.files!.push({ ...doc.files![0]!, id: 'CCCCCCCCCCCCCCCCCCCCCC' });
    const result = checkExport(resigned(doc));
    expect(!result.intact && result.problem).toMatchObject({ kind: 'file_unrecorded', field: 'files[2]' });
  });
});
