/**
 * PDF checks with pdf.js (the legacy build runs in Node; the web viewer uses the same library): the document must
 * open, must not be encrypted, and its page count is recorded.
 */
import { getDocument, VerbosityLevel } from 'pdfjs-dist/legacy/build/pdf.mjs';

export type PdfInspection = { ok: true; pages: number } | { ok: false; reason: 'encrypted' | 'unreadable' };

export async function inspectPdf(bytes: Uint8Array): Promise<PdfInspection> {
  // pdf.js may take over the buffer it is given: hand it a copy, the original bytes are stored as they came.
  const task = getDocument({
    data: new Uint8Array(bytes),
    // Nothing in an uploaded file may run code or reach out: no eval (font programs), no fetching of anything.
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    stopAtErrors: true,
    verbosity: VerbosityLevel.ERRORS,
  });
  try {
    const document = await task.promise;
    const { info } = (await document.getMetadata()) as { info: { EncryptFilterName?: string | null } };
    // Encrypted with an owner password only opens without asking, and is still an encrypted file.
    if (info.EncryptFilterName) return { ok: false, reason: 'encrypted' };
    const pages = document.numPages;
    if (!Number.isInteger(pages) || pages < 1) return { ok: false, reason: 'unreadable' };
    // Every page must resolve in the page tree: a count that lies is not a readable document.
    for (let page = 1; page <= pages; page++) await document.getPage(page);
    return { ok: true, pages };
  } catch (error) {
    return { ok: false, reason: (error as Error)?.name === 'PasswordException' ? 'encrypted' : 'unreadable' };
  } finally {
    await task.destroy();
  }
}
