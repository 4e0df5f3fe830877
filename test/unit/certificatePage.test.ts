/** The printable certificate and the verification page: escaping, the QR code, the marks of a revoked certificate. */
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderCertificatePage, renderVerificationPage } from '../../api/certificatePage.ts';
import type { CertificateView } from '../../api/routes/certificates.ts';

const view: CertificateView = {
  certificateNo: 'ZZ20260302000001-01',
  status: 'genuine',
  message: '证照真实有效：内容与电子签名、签发记录一致。',
  certificate: {
    certificateNo: 'ZZ20260302000001-01',
    caseNo: 'SQ20260302000001',
    name: '户外广告及招牌设施设置许可证',
    matter: { code: 'OUTDOOR_AD_PERMIT', name: '户外广告及招牌设施设置审批' },
    holder: { name: '张记<b>餐饮</b>&"有限"公司', idNumber: '911***********XX0X' },
    issuedOn: '2026-03-02',
    issuer: { code: 'CITY_MANAGEMENT', name: '城市管理局' },
  },
  signature: {
    algorithm: 'Ed25519',
    keyId: 'ab'.repeat(32),
    digest: '0123456789abcdef',
    value: 'x',
    valid: true,
    key: null,
  },
  revocation: null,
  problems: [],
};
const url = 'https://zwfw.example.gov.cn/verify/ZZ20260302000001-01';

describe('renderCertificatePage', () => {
  it('shows the facts escaped, a QR code, the fingerprint and digest, the verification URL; no mark when genuine', async () => {
    const html = await renderCertificatePage(view, url);
    expect(html).toContain('张记&lt;b&gt;餐饮&lt;/b&gt;&amp;&quot;有限&quot;公司');
    expect(html).not.toContain('<b>');
    expect(html).toMatch(/<svg[^>]*viewBox/);
    expect(html).toContain('ab'.repeat(32));
    expect(html).toContain('0123456789abcdef');
    expect(html).toContain(url);
    expect(html).toContain('2026年3月2日');
    expect(html).toContain('城市管理局');
    expect(html).toContain('911***********XX0X');
    expect(html).not.toContain('class="mark"');
  });

  it('a revoked certificate carries the 已注销 mark, when, by whom and why (China time)', async () => {
    const html = await renderCertificatePage(
      {
        ...view,
        status: 'revoked',
        message: '证照已注销',
        revocation: {
          at: '2026-03-05T02:30:00.000Z',
          department: { code: 'CITY_MANAGEMENT', name: '城市管理局' },
          reason: '许可被撤销<script>',
        },
      },
      url,
    );
    expect(html).toContain('data-status="revoked">已注销</div>');
    expect(html).toContain('2026年3月5日 10:30');
    expect(html).toContain('许可被撤销&lt;script&gt;');
  });
});

describe('renderVerificationPage', () => {
  it('states the verdict, lists problems, and handles an unknown number', () => {
    const altered = renderVerificationPage({ ...view, status: 'altered', problems: ['持证人名称与签发记录不一致'] });
    expect(altered).toContain('核验未通过');
    expect(altered).toContain('持证人名称与签发记录不一致');
    const unknown = renderVerificationPage({ certificateNo: 'ZZ<1>', status: 'unknown', message: '未找到' });
    expect(unknown).toContain('未找到该证照');
    expect(unknown).toContain('ZZ&lt;1&gt;');
  });

  it('escapeHtml escapes the five characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
