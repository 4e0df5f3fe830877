/**
 * The printable certificate (电子证照打印件): one A4 page, Chinese, print CSS, a QR code of the public verification
 * URL, the signature's key fingerprint and a short digest. Every value from the database is HTML-escaped; the only
 * markup not built here is the QR code's SVG, which the `qrcode` library draws from the URL (no text of ours in it).
 */
import QRCode from 'qrcode';
import type { CertificateView } from './routes/certificates.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** 2026-03-02 → 2026年3月2日 */
function chineseDate(isoDate: string): string {
  const [y, m, d] = isoDate.slice(0, 10).split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

/** An instant in China time, to the minute. */
function chineseInstant(iso: string): string {
  const shifted = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${chineseDate(shifted)} ${shifted.slice(11, 16)}`;
}

const STATUS_MARK: Record<CertificateView['status'], string | undefined> = {
  genuine: undefined,
  unsigned: '无电子签名',
  revoked: '已注销',
  altered: '核验未通过',
};

export async function renderCertificatePage(view: CertificateView, verifyUrl: string): Promise<string> {
  const qr = await QRCode.toString(verifyUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  const c = view.certificate;
  const mark = STATUS_MARK[view.status];
  const rows: Array<[string, string]> = [
    ['证照编号', c.certificateNo],
    ['持证人', c.holder.name],
    ['证件号码', c.holder.idNumber],
    ['审批事项', c.matter.name],
    ['发证部门', c.issuer.name],
    ['发证日期', chineseDate(c.issuedOn)],
    ['办件编号', c.caseNo],
  ];
  if (view.revocation) {
    rows.push(
      ['注销日期', chineseInstant(view.revocation.at)],
      ['注销部门', view.revocation.department.name],
      ['注销原因', view.revocation.reason],
    );
  }
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(c.name)} ${escapeHtml(c.certificateNo)}</title>
<style>
  @page { size: A4; margin: 18mm; }
  * { box-sizing: border-box; }
  body { margin: 0; font-family: "Songti SC", "SimSun", "Noto Serif CJK SC", serif; color: #111; background: #eee; }
  .sheet { position: relative; width: 210mm; min-height: 297mm; margin: 0 auto; padding: 22mm 20mm; background: #fff;
           border: 6px double #a61b1b; overflow: hidden; }
  h1 { margin: 0 0 4mm; text-align: center; font-size: 30pt; letter-spacing: 0.3em; color: #a61b1b; }
  .subtitle { text-align: center; font-size: 12pt; margin-bottom: 12mm; }
  table { width: 100%; border-collapse: collapse; font-size: 13pt; }
  th { width: 30mm; text-align: justify; text-align-last: justify; padding: 3mm 6mm 3mm 0; font-weight: normal;
       vertical-align: top; }
  td { padding: 3mm 0; border-bottom: 1px solid #bbb; word-break: break-all; }
  .foot { display: flex; justify-content: space-between; align-items: flex-end; margin-top: 16mm; gap: 8mm; }
  .qr { width: 38mm; text-align: center; font-size: 9pt; }
  .qr svg { width: 38mm; height: 38mm; display: block; }
  .seal { font-size: 9pt; line-height: 1.6; flex: 1; }
  .seal code { font-family: "Courier New", monospace; font-size: 8pt; word-break: break-all; }
  .issuer { font-size: 14pt; text-align: right; margin-top: 10mm; }
  .mark { position: absolute; top: 95mm; left: 0; right: 0; text-align: center; font-size: 72pt; font-weight: bold;
          color: rgba(200, 0, 0, 0.35); border: 8px solid rgba(200, 0, 0, 0.35); width: 120mm; margin: 0 auto;
          transform: rotate(-18deg); letter-spacing: 0.2em; pointer-events: none; }
  .warning { margin: 0 0 8mm; padding: 3mm 4mm; border: 2px solid #c00; color: #c00; font-size: 12pt; }
  @media print {
    body { background: #fff; }
    .sheet { width: auto; min-height: auto; margin: 0; border-width: 4px; }
    .mark, .warning { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  }
</style>
</head>
<body>
<main class="sheet">
  <h1>${escapeHtml(c.name)}</h1>
  <div class="subtitle">电子证照 · 编号 ${escapeHtml(c.certificateNo)}</div>
  ${mark ? `<div class="mark" data-status="${escapeHtml(view.status)}">${escapeHtml(mark)}</div>` : ''}
  ${view.status === 'genuine' ? '' : `<p class="warning">${escapeHtml(view.message)}</p>`}
  <table>
${rows.map(([label, value]) => `    <tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('\n')}
  </table>
  <div class="issuer">${escapeHtml(c.issuer.name)}<br>${escapeHtml(chineseDate(c.issuedOn))}</div>
  <div class="foot">
    <div class="seal">
      电子签名：${escapeHtml(view.signature.algorithm)}<br>
      签名密钥指纹（SHA-256）：<code>${escapeHtml(view.signature.keyId ?? '无')}</code><br>
      签名摘要：<code>${escapeHtml(view.signature.digest ?? '无')}</code><br>
      扫描右侧二维码或访问以下地址核验真伪：<br><code>${escapeHtml(verifyUrl)}</code>
    </div>
    <div class="qr">${qr}扫码核验</div>
  </div>
</main>
</body>
</html>
`;
}

const STATUS_TITLE: Record<CertificateView['status'] | 'unknown', string> = {
  genuine: '真实有效',
  revoked: '已注销',
  altered: '核验未通过',
  unsigned: '无电子签名',
  unknown: '未找到该证照',
};

/**
 * The verification answer as a page, for a person who scanned the QR code with a phone (a browser asks for HTML);
 * programs get the JSON. Same facts, the holder's id number masked.
 */
export function renderVerificationPage(
  view: CertificateView | { certificateNo: string; status: 'unknown'; message: string },
): string {
  const ok = view.status === 'genuine';
  const rows: Array<[string, string]> = [['证照编号', view.certificateNo]];
  if ('certificate' in view) {
    const c = view.certificate;
    rows.push(
      ['证照名称', c.name],
      ['持证人', c.holder.name],
      ['证件号码', c.holder.idNumber],
      ['审批事项', c.matter.name],
      ['发证部门', c.issuer.name],
      ['发证日期', chineseDate(c.issuedOn)],
      ['办件编号', c.caseNo],
      ['签名密钥指纹', view.signature.keyId ?? '无'],
      ['签名摘要', view.signature.digest ?? '无'],
    );
    if (view.revocation) {
      rows.push(
        ['注销日期', chineseInstant(view.revocation.at)],
        ['注销部门', view.revocation.department.name],
        ['注销原因', view.revocation.reason],
      );
    }
    for (const problem of view.problems) rows.push(['发现问题', problem]);
  }
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>电子证照核验：${escapeHtml(STATUS_TITLE[view.status])}</title>
<style>
  body { margin: 0; padding: 16px; font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; color: #111; }
  .verdict { padding: 12px 16px; border-radius: 6px; color: #fff; background: ${ok ? '#1a7f37' : '#b42318'}; }
  .verdict h1 { margin: 0 0 4px; font-size: 22px; }
  table { width: 100%; border-collapse: collapse; margin-top: 12px; }
  th { text-align: left; white-space: nowrap; padding: 6px 12px 6px 0; color: #555; font-weight: normal; vertical-align: top; }
  td { padding: 6px 0; border-bottom: 1px solid #ddd; word-break: break-all; }
</style>
</head>
<body>
<div class="verdict" data-status="${escapeHtml(view.status)}">
  <h1>${escapeHtml(STATUS_TITLE[view.status])}</h1>
  <div>${escapeHtml(view.message)}</div>
</div>
<table>
${rows.map(([label, value]) => `  <tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('\n')}
</table>
</body>
</html>
`;
}
