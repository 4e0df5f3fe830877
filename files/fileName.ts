/**
 * An uploader's file name is kept for display only (stored contents are named by their hash). It is cleaned of what
 * cannot be shown or stored (control characters, NUL, lone surrogates, any folder part) and cut to a sane length; for
 * readers who do not see personal data, id and phone numbers inside it are masked like everywhere else.
 */
import { maskIdNumber, maskPhone } from '../rules/identity.ts';

export const MAX_FILE_NAME_LENGTH = 200;

export function cleanFileName(raw: string | undefined): string {
  if (!raw) return '';
  const wellFormed = raw.replace(/\p{Cs}/gu, '\ufffd').normalize('NFC');
  // The last path segment only, whichever separator the client used.
  const base = wellFormed.split(/[/\\]/).pop() ?? '';
  // Control and format characters (bidi overrides that disguise an extension among them) are dropped.
  const visible = base
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '')
    .trim()
    .replace(/^\.+$/, '');
  return [...visible].slice(0, MAX_FILE_NAME_LENGTH).join('');
}

/** Resident id numbers (18 characters) and mainland mobile numbers inside a name, masked. */
export function maskFileName(name: string): string {
  return name
    .replace(/(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g, (id) => maskIdNumber(id))
    .replace(/(?<!\d)1[3-9]\d{9}(?!\d)/g, (phone) => maskPhone(phone));
}
