/**
 * A tiny zip writer for tests: builds real archives (local headers, central directory, end
 * record) with stored or deflated entries, and lets a test forge what an attacker would forge:
 * declared sizes, CRCs, Unix modes (symlinks), local names that disagree with the central
 * directory, raw compressed payloads.
 */
import { deflateRawSync } from "node:zlib";

export interface ZipEntrySpec {
  name: string;
  data?: string | Uint8Array;
  /** Default "deflate". */
  method?: "store" | "deflate";
  /** Unix mode stored in the upper 16 bits of the external attributes (e.g. 0o120777: a symlink). */
  unixMode?: number;
  /** Forge the uncompressed size written in both headers. */
  declaredSize?: number;
  /** Forge the CRC-32 written in both headers. */
  crc32?: number;
  /** Write a different name in the local header than in the central directory. */
  localName?: string;
  /** Use these bytes as the compressed payload instead of compressing `data`. */
  raw?: Uint8Array;
  /** General purpose flags (bit 11 = UTF-8 names is set by default). */
  flags?: number;
}

const encoder = new TextEncoder();

function bytesOf(data: string | Uint8Array | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return typeof data === "string" ? encoder.encode(data) : data;
}

interface Built {
  local: Uint8Array;
  central: (offset: number) => Uint8Array;
}

function buildEntry(spec: ZipEntrySpec): Built {
  const data = bytesOf(spec.data);
  const method = spec.method === "store" ? 0 : 8;
  const payload = spec.raw ?? (method === 8 ? deflateRawSync(data) : data);
  const crc = spec.crc32 ?? Bun.hash.crc32(data) >>> 0;
  const size = spec.declaredSize ?? data.byteLength;
  const flags = spec.flags ?? 0x0800;
  const name = encoder.encode(spec.name);
  const localName = encoder.encode(spec.localName ?? spec.name);
  const unixMode = spec.unixMode ?? (spec.name.endsWith("/") ? 0o040755 : 0o100644);

  const local = new Uint8Array(30 + localName.length + payload.length);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(4, 20, true);
  lv.setUint16(6, flags, true);
  lv.setUint16(8, method, true);
  lv.setUint16(12, 0x21, true); // 1980-01-01
  lv.setUint32(14, crc, true);
  lv.setUint32(18, payload.length, true);
  lv.setUint32(22, size, true);
  lv.setUint16(26, localName.length, true);
  local.set(localName, 30);
  local.set(payload, 30 + localName.length);

  const central = (offset: number): Uint8Array => {
    const out = new Uint8Array(46 + name.length);
    const cv = new DataView(out.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, (3 << 8) | 20, true); // made by Unix
    cv.setUint16(6, 20, true);
    cv.setUint16(8, flags, true);
    cv.setUint16(10, method, true);
    cv.setUint16(14, 0x21, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, payload.length, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(38, (unixMode << 16) >>> 0, true);
    cv.setUint32(42, offset, true);
    out.set(name, 46);
    return out;
  };
  return { local, central };
}

/** A complete zip archive holding `entries` in order. */
export function buildZip(entries: readonly ZipEntrySpec[]): Uint8Array {
  const built = entries.map(buildEntry);
  const offsets: number[] = [];
  let offset = 0;
  for (const entry of built) {
    offsets.push(offset);
    offset += entry.local.length;
  }
  const centrals = built.map((entry, index) => entry.central(offsets[index]!));
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);

  const out = new Uint8Array(offset + centralSize + end.length);
  let at = 0;
  for (const part of [...built.map((entry) => entry.local), ...centrals, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Hex sha256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}
