/**
 * Electronic materials (电子材料): `POST /files` takes one file (multipart/form-data, field `file`) from a signed-in
 * clerk or from an applicant for their case (a `caseNo` field and the X-Query-Code header), checks it by content and
 * stores it once by hash; `GET /files/:id` serves it to its uploader while it belongs to no case, then to whoever
 * may read the case (a staff read is logged), and answers 404 to everyone else.
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { cleanFileName, maskFileName } from '../../files/fileName.ts';
import { inspectFile } from '../../files/inspect.ts';
import { FileProblem } from '../../files/problem.ts';
import { findFile, saveFile, type FileRow } from '../../files/records.ts';
import type { FileSettings } from '../../files/settings.ts';
import type { FileStore } from '../../files/store.ts';
import { seesPersonalData } from '../../rules/access.ts';
import type { ApiDeps } from '../app.ts';
import { applicantCase, presentedQueryCode } from '../auth/applicantAccess.ts';
import { loadCase } from '../caseView.ts';
import { ApiError } from '../errors.ts';
import { applicantRateLimit } from '../hardening.ts';
import { readCase } from './applications.ts';
import { FileUploaded, errors, fileReply } from '../schemas.ts';

export interface FileDeps {
  store: FileStore;
  settings: FileSettings;
}

const FileParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);

/** Text fields a form may carry beside the file: the applicant's case and, instead of the header, its query code. */
const FIELDS = new Set(['caseNo', 'queryCode']);
const CASE_NO = /^[A-Za-z0-9-]{1,40}$/;

const fileNotFound = (id: string) =>
  new ApiError(404, 'file_not_found', `文件 ${id.slice(0, 64)} 不存在或无权查看`, 'id');

/** The multipart parser's own refusals, in our shape (its errors carry a code; busboy's carry only a message). */
function multipartError(error: unknown, maxBytes?: number): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof FileProblem) return new ApiError(error.status, error.code, error.message, error.field);
  const code = (error as { code?: string } | undefined)?.code;
  switch (code) {
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new ApiError(
        415,
        'unsupported_media_type',
        '请求体必须是 multipart/form-data（字段 file）',
        'content-type',
      );
    case 'FST_REQ_FILE_TOO_LARGE':
      return new ApiError(413, 'file_too_large', `上传的文件超过大小上限（${maxBytes ?? '?'} 字节）`, 'file');
    case 'FST_FILES_LIMIT':
      return new ApiError(400, 'too_many_files', '一次只能上传一个文件（字段 file）', 'file');
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new ApiError(413, 'too_many_parts', '表单的字段过多（只需 file，申请人另加 caseNo）', 'body');
    case 'FST_PROTO_VIOLATION':
      return new ApiError(400, 'invalid_field', '表单字段名无效', 'body');
    case 'FST_MP_PREMATURE_CLOSE':
      return new ApiError(400, 'truncated_body', '请求体不完整（上传中断）', 'body');
    default:
      return new ApiError(400, 'malformed_multipart', '请求体不是有效的 multipart/form-data（边界或格式错误）', 'body');
  }
}

interface Upload {
  bytes: Buffer;
  filename: string;
  fields: Record<string, string>;
}

/** Reads the form: one file part named `file`, and the text fields above. Any other part is a 400. */
async function readForm(
  request: FastifyRequest,
  maxBytes: number,
  onFile: (fields: Record<string, string>) => Promise<void>,
) {
  if (!request.isMultipart()) throw multipartError({ code: 'FST_INVALID_MULTIPART_CONTENT_TYPE' });
  const fields: Record<string, string> = {};
  let upload: Upload | undefined;
  let seen = 0;
  try {
    const parts = request.parts({
      limits: {
        fileSize: maxBytes,
        files: 1,
        fields: FIELDS.size,
        parts: FIELDS.size + 1,
        fieldSize: 200,
        fieldNameSize: 100,
        headerPairs: 20,
        headerSize: 16 * 1024,
      },
    });
    for await (const part of parts) {
      seen++;
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          throw new ApiError(
            400,
            'unknown_field',
            `不允许的字段 ${part.fieldname.slice(0, 100)}：文件应放在字段 file`,
            part.fieldname.slice(0, 100),
          );
        }
        await onFile(fields);
        upload = { bytes: await part.toBuffer(), filename: part.filename, fields };
      } else {
        if (!FIELDS.has(part.fieldname)) {
          const name = part.fieldname.slice(0, 100);
          throw new ApiError(
            400,
            part.fieldname === 'file' ? 'missing_file' : 'unknown_field',
            part.fieldname === 'file' ? '字段 file 应为文件，而不是文本' : `不允许的字段 ${name}`,
            name || 'body',
          );
        }
        if (part.valueTruncated || typeof part.value !== 'string') {
          throw new ApiError(400, 'invalid_field', `字段 ${part.fieldname} 过长`, part.fieldname);
        }
        fields[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    throw multipartError(error, maxBytes);
  }
  // Bytes sent, yet not one part found in them: the boundary is not the one the header names.
  if (seen === 0 && Number(request.headers['content-length'] ?? 0) > 0) throw multipartError(undefined);
  if (!upload) throw new ApiError(400, 'missing_file', '缺少上传的文件（字段 file）', 'file');
  return upload;
}

/** Who uploads: the signed-in staff member, or the applicant whose case number and query code match. */
async function uploader(app: FastifyInstance, deps: ApiDeps, request: FastifyRequest, fields: Record<string, string>) {
  if (request.staff) return { username: request.staff.username };
  const caseNo = fields.caseNo?.trim();
  if (!caseNo) throw new ApiError(400, 'missing_field', '申请人上传文件须提供办件编号（字段 caseNo）', 'caseNo');
  if (!CASE_NO.test(caseNo)) throw new ApiError(400, 'invalid_field', '字段 caseNo 的格式无效', 'caseNo');
  await applicantCase(app, request, caseNo, presentedQueryCode(request, fields.queryCode), (no) =>
    loadCase(deps.db, no),
  );
  return { caseNo };
}

/**
 * Whether this request may read the file: its uploader while it belongs to no case; afterwards the readers of the
 * case as GET /applications/:caseNo decides (a staff read logged). Everyone else gets the same 404 as an unknown id.
 */
async function mayRead(app: FastifyInstance, deps: ApiDeps, request: FastifyRequest, file: FileRow): Promise<boolean> {
  const staff = request.staff;
  if (file.caseNo === null) {
    if (staff) return file.uploadedBy === staff.username;
    const code = presentedQueryCode(request);
    if (!file.uploaderCase || !code) return false;
    return caseReader(app, deps, request, file.uploaderCase, file.id);
  }
  if (!staff && !presentedQueryCode(request)) return false;
  return caseReader(app, deps, request, file.caseNo, file.id);
}

async function caseReader(app: FastifyInstance, deps: ApiDeps, request: FastifyRequest, caseNo: string, id: string) {
  try {
    await readCase(app, deps, request, caseNo, `file:${id}`, (no) => loadCase(deps.db, no));
    return true;
  } catch (error) {
    // Not a reader of this case (another department, a wrong code): as if the file did not exist. Too many wrong
    // codes (429) stays what it is.
    if (error instanceof ApiError && [401, 403, 404].includes(error.statusCode)) return false;
    throw error;
  }
}

/** `inline; filename*=` in RFC 8187 form: any Unicode name, nothing that could break out of the header. */
function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_') || 'file';
  return `inline; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name || 'file')}`;
}

function serve(reply: FastifyReply, file: FileRow, bytes: Buffer, showName: string) {
  return reply
    .header('content-type', file.contentType)
    .header('content-length', String(bytes.length))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .header('content-disposition', contentDisposition(showName))
    .send(bytes);
}

/**
 * Applicants' uploads are limited per client address (RATE_LIMIT_APPLICANT_PER_MINUTE); staff are not: a window
 * scans many pages.
 */
function uploadRateLimit(deps: ApiDeps) {
  const { rateLimit } = applicantRateLimit(deps.hardening, () => 'files');
  return { rateLimit: { ...rateLimit, allowList: (request: FastifyRequest) => request.staff !== undefined } };
}

export const fileRoutes =
  (deps: ApiDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { store, settings } = deps.files;
    // Multipart is accepted on this plugin's routes only: everywhere else a body is JSON.
    await app.register(multipart, { throwFileSizeLimit: true });

    app.post(
      '/files',
      {
        config: {
          access: 'file.upload',
          ...uploadRateLimit(deps),
        },
        schema: {
          summary: '上传电子材料（multipart/form-data：字段 file；申请人另加 caseNo 与 X-Query-Code）',
          description: '只接受 PDF、JPEG、PNG（按文件内容判断）。返回文件编号，提交或补正时按材料引用。',
          consumes: ['multipart/form-data'],
          response: { 201: FileUploaded, ...errors(404, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        let who: { username: string } | { caseNo: string } | undefined;
        const upload = await readForm(request, settings.maxBytes, async (fields) => {
          // The case number came before the file: refuse a wrong code before reading megabytes.
          if (!request.staff && fields.caseNo) who = await uploader(app, deps, request, fields);
        });
        who ??= await uploader(app, deps, request, upload.fields);
        const inspection = await inspectFile(upload.bytes, {
          maxBytes: settings.maxBytes,
          field: 'file',
          label: '上传的文件',
        }).catch((error: unknown) => {
          throw multipartError(error);
        });
        const row = await saveFile(deps.db, store, upload.bytes, {
          contentType: inspection.contentType,
          ...(inspection.pages !== undefined ? { pages: inspection.pages } : {}),
          originalName: cleanFileName(upload.filename),
          uploader: who,
        });
        return reply.status(201).send({
          id: row.id,
          sha256: row.sha256,
          contentType: row.contentType,
          size: row.size,
          ...(row.pages !== null ? { pages: row.pages } : {}),
        });
      },
    );

    app.get(
      '/files/:id',
      {
        config: { access: 'file.read' },
        schema: {
          summary: '查看电子材料（原文件；上传者在提交前可看，之后为可查阅该办件者，查阅留痕）',
          params: FileParams,
          response: {
            200: fileReply('文件原件（内容类型为登记的类型）', 'application/pdf', 'image/jpeg', 'image/png'),
            ...errors(404, 500),
          },
        },
      },
      async (request, reply) => {
        const file = await findFile(deps.db, request.params.id);
        if (!file || !(await mayRead(app, deps, request, file))) throw fileNotFound(request.params.id);
        const stored = await store.get(file.sha256);
        if (stored.state !== 'ok') {
          // Never served as good: the audit reports the same (files/store.ts verify).
          request.log.error({ file: file.id, sha256: file.sha256, state: stored.state }, 'stored file damaged');
          throw new ApiError(
            500,
            stored.state === 'missing' ? 'file_missing' : 'file_damaged',
            stored.state === 'missing'
              ? '文件内容缺失，请联系管理员'
              : '文件内容与登记的哈希不符（已损坏），请联系管理员',
            'id',
          );
        }
        const showName =
          request.staff && !seesPersonalData(request.staff.role) ? maskFileName(file.originalName) : file.originalName;
        return serve(reply, file, stored.bytes, showName);
      },
    );
  };
