/**
 * Why an upload is refused: an HTTP status, an English code and a Chinese message naming the material or field. The
 * API answers it as `{code, message, field}`.
 */
export class FileProblem extends Error {
  constructor(
    readonly status: 400 | 404 | 413 | 415 | 422,
    readonly code: string,
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}
