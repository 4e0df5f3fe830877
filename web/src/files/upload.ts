/**
 * Uploading one file (`POST /files`, multipart field `file`) with progress: fetch cannot report an upload's progress,
 * XMLHttpRequest can. A clerk uploads with the session cookie; an applicant names the case (`caseNo`, sent before
 * the file so that a wrong code is refused before the bytes are read) and shows the query code.
 */
import { ApiError, type FileUploaded } from '../api.ts';

/** A stored file as the pages keep it: the server's answer and the name the user chose it by (display only). */
export type UploadedFile = FileUploaded & { name: string };

export interface UploadOptions {
  /** The applicant's case and query code; a signed-in clerk sends neither. */
  applicant?: { caseNo: string; queryCode: string };
  onProgress?: (percent: number) => void;
}

/** What the server's refusal says, in Chinese; a refusal without our JSON (a proxy's 413) gets a message here. */
function refusal(status: number, text: string): ApiError {
  let body: { code?: string; message?: string; field?: string } = {};
  try {
    body = text ? (JSON.parse(text) as typeof body) : {};
  } catch {
    body = {};
  }
  const fallback =
    status === 413
      ? '文件过大，超过上传大小上限'
      : status === 415
        ? '不支持的文件类型：只接受 PDF、JPEG 或 PNG'
        : `上传失败（HTTP ${status}）`;
  return new ApiError(status, body.code ?? 'http_error', body.message ?? fallback, body.field);
}

export function uploadFile(file: File, options: UploadOptions = {}): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    if (options.applicant) form.append('caseNo', options.applicant.caseNo.trim());
    form.append('file', file, file.name);
    const request = new XMLHttpRequest();
    request.open('POST', '/files');
    request.setRequestHeader('accept', 'application/json');
    if (options.applicant) request.setRequestHeader('x-query-code', options.applicant.queryCode.trim());
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onProgress?.(Math.round((event.loaded / event.total) * 100));
    };
    request.onerror = () => reject(new ApiError(0, 'network_error', '无法连接服务器，请检查网络后重试'));
    request.onabort = () => reject(new ApiError(0, 'aborted', '上传已取消'));
    request.onload = () => {
      if (request.status === 201) {
        resolve({ ...(JSON.parse(request.responseText) as FileUploaded), name: file.name });
        return;
      }
      const error = refusal(request.status, request.responseText);
      if (request.status === 401 && (error.code === 'session_expired' || error.code === 'authentication_required')) {
        window.dispatchEvent(new Event('session-lost'));
      }
      reject(error);
    };
    request.send(form);
  });
}

/** 1.2 MB, 350 KB: a size as people read it. */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} 字节`;
}

export const typeLabel = (contentType: string) =>
  ({ 'application/pdf': 'PDF', 'image/jpeg': 'JPEG 图片', 'image/png': 'PNG 图片' })[contentType] ?? contentType;
