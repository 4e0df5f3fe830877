/**
 * Electronic materials in the browser against the real stack: the clerk scans two files into a case at /window (one
 * refused by the server in its own words, one removed again), marks one material 原件已核; the lead department's
 * reviewer reads the PDF page by page and turns and zooms the image on the task page; the applicant supplies a
 * missing file on /track with the query code, from a phone. Test files are written here (a PDF of two pages, a PNG
 * wider than high) or come from test/fixtures/files/.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { applicationBody, client, newKey } from '../integration/http.ts';
import { randomUscc } from '../support/identity.ts';
import { minimalPdf, minimalPng, tinyJpeg } from '../support/files.ts';
import { DESKTOP, launch, openPage, PHONE, screenshot, untilShown, type Watched } from './browser.ts';
import { expectClean, signIn } from './steps.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const apiUrl = inject('apiUrl');
const api = client(apiUrl);
const tag = `files-browser ${Date.now()}`;
const pdf = { name: '设置申请表.pdf', mimeType: 'application/pdf', buffer: minimalPdf(2, tag) };
const png = { name: '效果图.png', mimeType: 'image/png', buffer: minimalPng(48) };
let browser: Browser;
let caseNo: string;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

const button = (w: Watched, name: string) =>
  w.page.getByRole('button', { name: new RegExp(`^${[...name].join('\\s*')}$`) });

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface CaseMaterial {
  code: string;
  provided: boolean;
  originalSeen: boolean;
  files: Array<{ id: string; sha256: string; contentType: string; fileName?: string; pages?: number }>;
}

async function materialsOf(no: string): Promise<Map<string, CaseMaterial>> {
  const view = (await api.as('clerk1').get(`/applications/${no}`)).body as { materials: CaseMaterial[] };
  return new Map(view.materials.map((m) => [m.code, m]));
}

describe('electronic materials in the browser', () => {
  it('clerk: scans two files into a case at /window per material, sees a refusal, marks one original seen', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await signIn(w, '/window', 'clerk1');
    await page.getByLabel('事项名称、编码或拼音首字母').fill('hwgg');
    await page.getByRole('link', { name: '户外广告及招牌设施设置审批（承诺件）' }).click();
    await page.getByText('办事指南：户外广告及招牌设施设置审批（承诺件）').waitFor();
    await page.getByLabel('申请人名称').fill('李记茶饮有限公司');
    await page.getByLabel('证件号码').fill(randomUscc());
    await page.getByLabel('联系电话').focus();

    // A page saved as .pdf that is HTML: the server decides by the content and refuses it (415) in Chinese.
    w.expectFailure((url, status) => url.endsWith('/files') && status === 415);
    await page.getByLabel('户外广告及招牌设施设置申请表的文件').setInputFiles({
      name: '伪装.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('<html><script>alert(1)</script></html>'),
    });
    await page.getByRole('alert').filter({ hasText: '伪装.pdf' }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: '伪装.pdf' }).textContent()).toMatch(
      /上传失败.*伪装\.pdf：.+/,
    );

    await page.getByLabel('户外广告及招牌设施设置申请表的文件').setInputFiles(pdf);
    // The file inputs stay hidden behind the 选择文件 / 拍照 buttons.
    expect(await page.getByLabel('户外广告及招牌设施设置申请表的文件').isVisible()).toBe(false);
    const pdfList = page.getByRole('list', { name: '户外广告及招牌设施设置申请表已上传的文件' });
    await pdfList.getByText('设置申请表.pdf').waitFor();
    expect(await pdfList.textContent()).toContain('2 页');
    // Uploading ticks the material.
    expect(await page.getByRole('checkbox', { name: /^户外广告及招牌设施设置申请表/ }).isChecked()).toBe(true);

    // The photo through the camera input; a wrong one taken first and removed again.
    await page.getByLabel('设施设计效果图、设置位置示意图及规格尺寸说明的照片').setInputFiles({
      name: '拍错了.jpg',
      mimeType: 'image/jpeg',
      buffer: tinyJpeg(),
    });
    await button(w, '移除 拍错了.jpg').waitFor();
    await button(w, '移除 拍错了.jpg').click();
    await page.getByLabel('设施设计效果图、设置位置示意图及规格尺寸说明的照片').setInputFiles(png);
    const pngList = page.getByRole('list', { name: '设施设计效果图、设置位置示意图及规格尺寸说明已上传的文件' });
    await pngList.getByText('效果图.png').waitFor();
    expect(await pngList.textContent()).not.toContain('拍错了.jpg');

    for (const name of [/^营业执照/, /^建筑物、构筑物所有权人或管理人同意设置的证明/]) {
      await page.getByRole('checkbox', { name }).first().check();
    }
    await page.getByRole('switch', { name: '户外广告及招牌设施设置申请表 原件已核' }).click();
    await expectClean(w);
    await screenshot(page, 'files-window-receive');
    await button(w, '提交申请').click();
    caseNo = /SQ\d+/.exec((await page.getByText(/已收件，办件编号/).textContent(untilShown)) ?? '')?.[0] ?? '';
    expect(caseNo).toMatch(/^SQ\d+$/);

    // The case holds the two files by material, by hash; the removed photo is not in it; one original seen.
    const received = await materialsOf(caseNo);
    expect(received.get('OUTDOOR_AD_APPLICATION')).toMatchObject({
      provided: true,
      originalSeen: true,
      files: [{ sha256: sha256(pdf.buffer), contentType: 'application/pdf', pages: 2, fileName: pdf.name }],
    });
    expect(received.get('AD_DESIGN_DRAWING')).toMatchObject({
      provided: true,
      originalSeen: false,
      files: [{ sha256: sha256(png.buffer), contentType: 'image/png', fileName: png.name }],
    });
    expect(received.get('BUSINESS_LICENCE')).toMatchObject({ provided: true, originalSeen: false, files: [] });

    // The desk shows the files and what was checked; the licence's original is seen afterwards (paper, no scan).
    const desk = page.getByTestId('desk-materials');
    await desk.getByText('电子件：设置申请表.pdf').waitFor();
    await button(w, '原件已核 营业执照').click();
    await expect
      .poll(async () => (await materialsOf(caseNo)).get('BUSINESS_LICENCE')?.originalSeen, untilShown)
      .toBe(true);
    await button(w, '原件已核 营业执照').waitFor({ state: 'detached' });
    // Seen: the application form (at receipt) and the licence; not yet: the drawing.
    for (const [name, seen] of [
      ['户外广告及招牌设施设置申请表', true],
      ['营业执照', true],
      ['设施设计效果图、设置位置示意图及规格尺寸说明', false],
    ] as const) {
      const row = desk.getByRole('listitem').filter({ hasText: name });
      expect(await row.getByRole('button', { name: `原件已核 ${name}` }).count()).toBe(seen ? 0 : 1);
    }

    await button(w, '提交受理决定').click();
    await expect.poll(() => page.getByTestId('desk-status').textContent(), untilShown).toBe('审查中');
    await expectClean(w);
    await w.context.close();
  });

  it('reviewer of the lead department reads the PDF page by page and the image zoomed and turned', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await signIn(w, '/inbox', 'reviewer.CITY_MANAGEMENT');
    await button(w, caseNo).click();
    await expect.poll(() => page.getByTestId('task-status').textContent(), untilShown).toBe('审查中');

    await page.getByRole('button', { name: /^设置申请表\.pdf/ }).click();
    const viewer = page.getByTestId('file-viewer');
    await expect.poll(() => viewer.getByTestId('pdf-page').textContent(), untilShown).toBe('第 1 页 / 共 2 页');
    await expect.poll(() => viewer.getByTestId('pdf-text').textContent(), untilShown).toBe(`${tag} page 1`);
    await page.getByRole('img', { name: '设置申请表.pdf 第 1 页' }).waitFor();
    await expectClean(w);
    await screenshot(page, 'files-task-pdf-1');
    await button(w, '下一页').click();
    await expect.poll(() => viewer.getByTestId('pdf-page').textContent(), untilShown).toBe('第 2 页 / 共 2 页');
    await expect.poll(() => viewer.getByTestId('pdf-text').textContent(), untilShown).toBe(`${tag} page 2`);
    expect(await button(w, '下一页').isDisabled()).toBe(true);
    // The page is drawn: the canvas holds dark pixels of the text, not only the white page.
    const inked = await page.getByRole('img', { name: '设置申请表.pdf 第 2 页' }).evaluate((canvas) => {
      const c = canvas as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 128) dark++;
      return dark;
    });
    expect(inked).toBeGreaterThan(50);
    await screenshot(page, 'files-task-pdf-2');

    await page.getByRole('button', { name: /^效果图\.png/ }).click();
    const image = page.getByRole('img', { name: '效果图.png' });
    await expect.poll(() => image.evaluate((i) => (i as HTMLImageElement).naturalWidth), untilShown).toBe(48);
    const before = await image.boundingBox();
    await button(w, '放大').click();
    await expect.poll(() => page.getByTestId('image-zoom').textContent()).toBe('150%');
    await expect.poll(async () => (await image.boundingBox())?.width).toBeCloseTo((before?.width ?? 0) * 1.5, 0);
    await button(w, '向右旋转').click();
    await expect.poll(() => page.getByTestId('image-rotation').textContent()).toBe('旋转 90°');
    // Turned a quarter clockwise: the drawn transform maps x onto y (matrix(cos, sin, -sin, cos, …) with sin 1).
    const matrix = await image.evaluate((i) => getComputedStyle(i).transform);
    const [cos, sin] = /matrix\(([^,]+), ([^,]+)/.exec(matrix)?.slice(1).map(Number) ?? [];
    expect(cos).toBeCloseTo(0, 5);
    expect(sin).toBeCloseTo(1, 5);
    await expectClean(w);
    await screenshot(page, 'files-task-image');
    await w.context.close();
  });

  it('auditor: the case file downloaded from /audit holds both files; verify-export passes, then fails on a changed byte', async () => {
    const w = await openPage(browser, apiUrl, DESKTOP);
    const { page } = w;
    await signIn(w, `/audit?caseNo=${caseNo}`, 'auditor1');
    await page.getByLabel('办件编号').press('Enter');
    await expect.poll(() => page.getByTestId('audit-status').textContent(), untilShown).toBe('完整');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '导出卷宗' }).click(),
    ]);
    const dir = await mkdtemp(path.join(tmpdir(), 'case-file-'));
    const intact = path.join(dir, `${caseNo}.case-file.json`);
    await download.saveAs(intact);
    expect(w.problems).toEqual([]);
    await w.context.close();

    const document = JSON.parse(await readFile(intact, 'utf8')) as {
      files: Array<{ material: string; sha256: string; content: string }>;
    };
    const byMaterial = new Map(document.files.map((f) => [f.material, f]));
    expect(Buffer.from(byMaterial.get('OUTDOOR_AD_APPLICATION')?.content ?? '', 'base64')).toEqual(pdf.buffer);
    expect(Buffer.from(byMaterial.get('AD_DESIGN_DRAWING')?.content ?? '', 'base64')).toEqual(png.buffer);

    const verify = (file: string) =>
      spawnSync('npm', ['run', '--silent', 'verify-export', '--', file], { cwd: root, encoding: 'utf8' });
    const passed = verify(intact);
    expect(passed.status, passed.stderr).toBe(0);
    expect(passed.stdout).toContain('完整');

    // One byte of the PDF changed inside the case file: the hash in the chain no longer matches.
    const changed = Buffer.from(byMaterial.get('OUTDOOR_AD_APPLICATION')!.content, 'base64');
    changed.writeUInt8(changed.readUInt8(changed.length - 10) ^ 0x01, changed.length - 10);
    byMaterial.get('OUTDOOR_AD_APPLICATION')!.content = changed.toString('base64');
    const tampered = path.join(dir, 'tampered.case-file.json');
    await writeFile(tampered, JSON.stringify(document));
    const failed = verify(tampered);
    expect(failed.status).toBe(1);
    expect(failed.stdout + failed.stderr).toMatch(/OUTDOOR_AD_APPLICATION.*哈希不符/);
  });

  it('applicant on a phone supplies a missing file on /track with the query code', async () => {
    const clerk = api.as('clerk1');
    const body = applicationBody({ applicant: { type: 'organisation', name: '赵记面馆', idNumber: randomUscc() } });
    const submitted = await clerk.post(
      '/applications',
      { ...body, materials: body.materials.filter((m) => m !== 'OWNER_CONSENT') },
      { 'idempotency-key': newKey() },
    );
    expect(submitted.status).toBe(201);
    const missingCase = submitted.body.caseNo as string;
    const queryCode = submitted.body.queryCode as string;
    const notice = await clerk.post(`/applications/${missingCase}/acceptance`, { decision: 'supplement' });
    expect(notice.body.status).toBe('awaiting_supplement');

    const w = await openPage(browser, apiUrl, PHONE);
    const { page } = w;
    await page.goto(`/track?caseNo=${missingCase}`);
    await page.getByLabel('查询码').fill(queryCode);
    await page.getByLabel('查询码').press('Enter');
    await page.getByText('在线补正材料').waitFor();
    const item = '建筑物、构筑物所有权人或管理人同意设置的证明';
    await page
      .getByLabel(`${item}的照片`)
      .setInputFiles({ name: '同意书.jpg', mimeType: 'image/jpeg', buffer: tinyJpeg() });
    await page
      .getByRole('list', { name: `${item}已上传的文件` })
      .getByText('同意书.jpg')
      .waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await expectClean(w);
    await screenshot(page, 'files-track-supplement');
    await button(w, '提交补正材料').click();
    await expect.poll(() => page.getByTestId('case-status').textContent(), untilShown).not.toBe('待补正');

    const supplied = await materialsOf(missingCase);
    expect(supplied.get('OWNER_CONSENT')).toMatchObject({
      provided: true,
      files: [{ sha256: sha256(tinyJpeg()), contentType: 'image/jpeg', fileName: '同意书.jpg' }],
    });
    await expectClean(w);
    await w.context.close();
  });
});
