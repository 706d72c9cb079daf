/**
 * A strict reader for the zip archives that carry skill bundles (spec 7.15).
 *
 * Only what a bundle needs: one disk, no zip64, no encryption, methods stored (0) and deflate (8).
 * The central directory is the table of contents; every local header is cross-checked against it
 * (name, method) so two tools can never see two different archives in the same bytes. Entry data
 * ranges must lie before the central directory and must not overlap (the overlapping-entry bomb).
 *
 * Sizes in headers are never trusted for memory: `readEntryData` inflates with a hard output cap
 * (`maxOutputLength`), so a forged header cannot make us allocate or write more than the budget.
 * Structural problems throw `ZipFormatError` with a short machine `reason`; the bundle layer turns
 * that into `SKILL_BUNDLE_INVALID`.
 */
import { inflateRawSync } from "node:zlib";

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
const FLAG_ENCRYPTED = 0x0001;

export const METHOD_STORED = 0;
export const METHOD_DEFLATE = 8;

export class ZipFormatError extends Error {
  readonly reason: string;
  readonly entry: string | undefined;
  constructor(reason: string, message: string, entry?: string) {
    super(message);
    this.name = "ZipFormatError";
    this.reason = reason;
    this.entry = entry;
  }
}

/** Raised by `readEntryData` when an entry inflates past its byte budget. */
export class ZipBudgetError extends Error {
  readonly entry: string;
  readonly budget: number;
  constructor(entry: string, budget: number) {
    super(`Entry "${entry}" inflates past ${budget} bytes`);
    this.name = "ZipBudgetError";
    this.entry = entry;
    this.budget = budget;
  }
}

export interface ZipEntry {
  /** The name as stored (decoded as UTF-8), not normalised. */
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  /** As declared by the central directory: a claim, never a guarantee. */
  declaredSize: number;
  /** Upper 16 bits of the external attributes: the Unix mode when the creator recorded one. */
  unixMode: number;
  /** Offset of the entry's compressed data in the archive. */
  dataOffset: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeName(raw: Uint8Array): string {
  try {
    return utf8.decode(raw);
  } catch {
    throw new ZipFormatError("invalid_name_encoding", "An entry name is not valid UTF-8");
  }
}

function findEndOfCentralDirectory(view: DataView): number {
  const last = view.byteLength - EOCD_SIZE;
  const first = Math.max(0, last - MAX_COMMENT);
  for (let at = last; at >= first; at--) {
    if (view.getUint32(at, true) !== EOCD_SIGNATURE) continue;
    // The comment must run exactly to the end of the archive, else this is a stray signature.
    if (at + EOCD_SIZE + view.getUint16(at + 20, true) === view.byteLength) return at;
  }
  throw new ZipFormatError("not_a_zip", "No end-of-central-directory record found");
}

interface CentralRecord {
  entry: Omit<ZipEntry, "dataOffset">;
  localOffset: number;
  rawName: Uint8Array;
  next: number;
}

function readCentralRecord(bytes: Uint8Array, view: DataView, at: number, end: number): CentralRecord {
  if (at + CENTRAL_SIZE > end || view.getUint32(at, true) !== CENTRAL_SIGNATURE) {
    throw new ZipFormatError("bad_central_directory", "The central directory is truncated or corrupt");
  }
  const flags = view.getUint16(at + 8, true);
  const nameLength = view.getUint16(at + 28, true);
  const next = at + CENTRAL_SIZE + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  if (next > end) throw new ZipFormatError("bad_central_directory", "The central directory is truncated");
  const rawName = bytes.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength);
  const name = decodeName(rawName);
  const compressedSize = view.getUint32(at + 20, true);
  const declaredSize = view.getUint32(at + 24, true);
  const localOffset = view.getUint32(at + 42, true);
  if (compressedSize === 0xffffffff || declaredSize === 0xffffffff || localOffset === 0xffffffff) {
    throw new ZipFormatError("zip64_unsupported", `Entry "${name}" uses zip64 sizes, which bundles do not support`, name);
  }
  if (view.getUint16(at + 34, true) !== 0) {
    throw new ZipFormatError("multi_disk_unsupported", `Entry "${name}" lives on another disk`, name);
  }
  const entry = {
    name,
    method: view.getUint16(at + 10, true),
    flags,
    crc32: view.getUint32(at + 16, true),
    compressedSize,
    declaredSize,
    unixMode: (view.getUint32(at + 38, true) >>> 16) & 0xffff,
  };
  return { entry, localOffset, rawName, next };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** Locate the data of one entry through its local header, cross-checking the central directory. */
function locateData(bytes: Uint8Array, view: DataView, record: CentralRecord, limit: number): number {
  const { entry, localOffset } = record;
  if (localOffset + LOCAL_SIZE > limit || view.getUint32(localOffset, true) !== LOCAL_SIGNATURE) {
    throw new ZipFormatError("bad_local_header", `Entry "${entry.name}" has no valid local header`, entry.name);
  }
  const nameLength = view.getUint16(localOffset + 26, true);
  const localName = bytes.subarray(localOffset + LOCAL_SIZE, localOffset + LOCAL_SIZE + nameLength);
  if (!sameBytes(localName, record.rawName) || view.getUint16(localOffset + 8, true) !== entry.method) {
    throw new ZipFormatError(
      "local_header_mismatch",
      `Entry "${entry.name}" has a local header that disagrees with the central directory`,
      entry.name,
    );
  }
  const dataOffset = localOffset + LOCAL_SIZE + nameLength + view.getUint16(localOffset + 28, true);
  if (dataOffset + entry.compressedSize > limit) {
    throw new ZipFormatError("bad_local_header", `Entry "${entry.name}" runs past the central directory`, entry.name);
  }
  return dataOffset;
}

/** List the entries of a zip archive, in central-directory order. Throws `ZipFormatError`. */
export function readZipEntries(bytes: Uint8Array): ZipEntry[] {
  if (bytes.byteLength < EOCD_SIZE) throw new ZipFormatError("not_a_zip", "The data is too short to be a zip archive");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  const disk = view.getUint16(eocd + 4, true);
  const centralDisk = view.getUint16(eocd + 6, true);
  const count = view.getUint16(eocd + 10, true);
  const centralSize = view.getUint32(eocd + 12, true);
  const centralOffset = view.getUint32(eocd + 16, true);
  if (disk !== 0 || centralDisk !== 0 || view.getUint16(eocd + 8, true) !== count) {
    throw new ZipFormatError("multi_disk_unsupported", "Multi-disk archives are not supported");
  }
  if (count === 0xffff || centralSize === 0xffffffff || centralOffset === 0xffffffff) {
    throw new ZipFormatError("zip64_unsupported", "Zip64 archives are not supported");
  }
  const centralEnd = centralOffset + centralSize;
  if (centralEnd > eocd) throw new ZipFormatError("bad_central_directory", "The central directory overlaps its end record");

  const records: CentralRecord[] = [];
  let at = centralOffset;
  for (let index = 0; index < count; index++) {
    const record = readCentralRecord(bytes, view, at, centralEnd);
    records.push(record);
    at = record.next;
  }
  if (at !== centralEnd) throw new ZipFormatError("bad_central_directory", "The central directory size does not add up");

  const entries = records.map((record) => ({ ...record.entry, dataOffset: locateData(bytes, view, record, centralOffset) }));
  assertNoOverlap(records, entries);
  return entries;
}

function assertNoOverlap(records: CentralRecord[], entries: ZipEntry[]): void {
  const spans = records
    .map((record, index) => {
      const entry = entries[index]!;
      return { start: record.localOffset, end: entry.dataOffset + entry.compressedSize, name: entry.name };
    })
    .sort((a, b) => a.start - b.start);
  for (let index = 1; index < spans.length; index++) {
    const previous = spans[index - 1]!;
    const current = spans[index]!;
    if (current.start < previous.end) {
      throw new ZipFormatError("overlapping_entries", `Entries "${previous.name}" and "${current.name}" share bytes`, current.name);
    }
  }
}

/**
 * The uncompressed bytes of one entry, never more than `budget` bytes: inflation stops as soon as
 * the output would pass it (`ZipBudgetError`). The CRC-32 and the declared size are checked after.
 */
export function readEntryData(bytes: Uint8Array, entry: ZipEntry, budget: number): Uint8Array {
  if (entry.flags & FLAG_ENCRYPTED) {
    throw new ZipFormatError("encrypted_entry", `Entry "${entry.name}" is encrypted`, entry.name);
  }
  const compressed = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  let data: Uint8Array;
  if (entry.method === METHOD_STORED) {
    if (compressed.byteLength > budget) throw new ZipBudgetError(entry.name, budget);
    data = compressed;
  } else if (entry.method === METHOD_DEFLATE) {
    data = inflateCapped(compressed, entry.name, budget);
  } else {
    throw new ZipFormatError("unsupported_compression", `Entry "${entry.name}" uses compression method ${entry.method}`, entry.name);
  }
  if (data.byteLength > budget) throw new ZipBudgetError(entry.name, budget);
  if (data.byteLength !== entry.declaredSize) {
    throw new ZipFormatError(
      "size_mismatch",
      `Entry "${entry.name}" declares ${entry.declaredSize} bytes but holds ${data.byteLength}`,
      entry.name,
    );
  }
  if (Bun.hash.crc32(data) >>> 0 !== entry.crc32) {
    throw new ZipFormatError("crc_mismatch", `Entry "${entry.name}" fails its CRC-32 check`, entry.name);
  }
  return data;
}

function inflateCapped(compressed: Uint8Array, name: string, budget: number): Uint8Array {
  try {
    // maxOutputLength must be >= 1; an empty budget still lets an empty stream through.
    return inflateRawSync(compressed, { maxOutputLength: Math.max(1, budget) });
  } catch (error) {
    if (error instanceof RangeError) throw new ZipBudgetError(name, budget);
    const detail = error instanceof Error ? error.message : String(error);
    throw new ZipFormatError("bad_deflate_stream", `Entry "${name}" is not a valid deflate stream (${detail})`, name);
  }
}
