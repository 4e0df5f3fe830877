/** A stored file's bytes (`GET /files/:id`): with the session cookie for staff, the query code for an applicant. */
import { ApiError } from '../api.ts';

export async function fetchFileBytes(id: string, headers: Record<string, string> = {}): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetch(`/files/${encodeURIComponent(id)}`, { headers, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network_error', '无法连接服务器，请检查网络后重试');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ApiError(
      response.status,
      body.code ?? 'http_error',
      body.message ?? `读取失败（HTTP ${response.status}）`,
    );
  }
  return response.arrayBuffer();
}
