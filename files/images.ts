/**
 * Structural checks of PNG and JPEG uploads, beyond their first bytes: a PNG's chunks must run, each with a correct
 * checksum, from IHDR to IEND with nothing after it (a PNG followed by an archive is a polyglot, not a scan); a JPEG
 * must open with a start-of-image marker, carry a frame header and end with an end-of-image marker.
 */
import { crc32 } from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Undefined when the PNG holds together; otherwise what is wrong, in Chinese. */
export function pngProblem(bytes: Buffer): string | undefined {
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return '不是 PNG 图片';
  let offset = 8;
  let first = true;
  let sawData = false;
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) return 'PNG 图片不完整（数据块被截断）';
    if (first && (type !== 'IHDR' || length !== 13)) return 'PNG 图片缺少文件头（IHDR）';
    if (bytes.readUInt32BE(end - 4) !== crc32(bytes.subarray(offset + 4, end - 4))) {
      return `PNG 图片的数据块 ${type.replace(/[^\x20-\x7e]/g, '?')} 校验和不符`;
    }
    if (first && (bytes.readUInt32BE(offset + 8) === 0 || bytes.readUInt32BE(offset + 12) === 0)) {
      return 'PNG 图片的宽或高为 0';
    }
    if (type === 'IDAT') sawData = true;
    first = false;
    offset = end;
    if (type === 'IEND') {
      if (!sawData) return 'PNG 图片没有图像数据';
      return offset === bytes.length ? undefined : 'PNG 图片结束之后还附有其他数据';
    }
  }
  return 'PNG 图片不完整（缺少结束块 IEND）';
}

/** Start-of-frame markers: baseline, extended, progressive, lossless (not DHT, JPG or DAC, which share the range). */
const FRAME_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

export function jpegProblem(bytes: Buffer): string | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return '不是 JPEG 图片';
  // Walk the marker segments up to the start of scan: a frame header must come before it.
  let offset = 2;
  let frame = false;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return 'JPEG 图片结构无效';
    const marker = bytes[offset + 1] as number;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    const length = bytes.readUInt16BE(offset + 2);
    if (length < 2 || offset + 2 + length > bytes.length) return 'JPEG 图片不完整（段被截断）';
    if (FRAME_MARKERS.has(marker)) {
      frame = bytes.readUInt16BE(offset + 5) > 0 && bytes.readUInt16BE(offset + 7) > 0;
      if (!frame) return 'JPEG 图片的宽或高为 0';
    }
    if (marker === 0xda) break;
    offset += 2 + length;
  }
  if (!frame) return 'JPEG 图片缺少帧头';
  if (bytes.lastIndexOf(Buffer.from([0xff, 0xd9])) < offset) return 'JPEG 图片不完整（缺少结束标记）';
  return undefined;
}
