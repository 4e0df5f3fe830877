/**
 * What an uploaded file is, decided from its bytes alone (never from its name or the declared type): PDF, JPEG or
 * PNG, checked to hold together, or refused. OFD (GB/T 33190) is not accepted: npm has no maintained OFD parser for
 * Node (docs/files.md).
 */
import { fileTypeFromBuffer } from 'file-type';
import { jpegProblem, pngProblem } from './images.ts';
import { inspectPdf } from './pdf.ts';
import { FileProblem } from './problem.ts';

const ALLOWED_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
type AllowedType = (typeof ALLOWED_TYPES)[number];

export interface Inspection {
  contentType: AllowedType;
  /** A PDF's page count. */
  pages?: number;
}

const isAllowed = (mime: string | undefined): mime is AllowedType =>
  (ALLOWED_TYPES as readonly string[]).includes(mime ?? '');

/**
 * The content type of `bytes`, or a FileProblem: 400 empty, 413 over `maxBytes`, 415 not PDF/JPEG/PNG, 422 a PDF that
 * does not open or is encrypted, an image that does not hold together. `label` names the material or field.
 */
export async function inspectFile(
  bytes: Buffer,
  options: { maxBytes: number; field: string; label: string },
): Promise<Inspection> {
  const { field, label } = options;
  if (bytes.length === 0) throw new FileProblem(400, 'empty_file', `${label}是空文件`, field);
  if (bytes.length > options.maxBytes) {
    throw new FileProblem(413, 'file_too_large', `${label}超过大小上限（${options.maxBytes} 字节）`, field);
  }
  const detected = await fileTypeFromBuffer(bytes);
  if (!isAllowed(detected?.mime)) {
    const what = detected ? `（识别为 ${detected.ext}）` : '';
    throw new FileProblem(415, 'unsupported_file_type', `${label}类型不受支持${what}：只接受 PDF、JPEG、PNG`, field);
  }
  const contentType = detected.mime;
  if (contentType === 'application/pdf') {
    const pdf = await inspectPdf(bytes);
    if (!pdf.ok) {
      throw pdf.reason === 'encrypted'
        ? new FileProblem(422, 'encrypted_pdf', `${label}是加密的 PDF，请提交未加密的文件`, field)
        : new FileProblem(422, 'unreadable_pdf', `${label}不是可以打开的 PDF 文件（已损坏或不完整）`, field);
    }
    return { contentType, pages: pdf.pages };
  }
  const problem = contentType === 'image/png' ? pngProblem(bytes) : jpegProblem(bytes);
  if (problem) throw new FileProblem(422, 'invalid_image', `${label}无效：${problem}`, field);
  return { contentType };
}
