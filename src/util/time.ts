/**
 * Timestamps in the reference's format: UTC ISO-8601 with exactly six fractional digits and `Z`
 * (`2026-01-02T03:04:05.123456Z`). JavaScript clocks give milliseconds; the extra digits come from
 * the high-resolution clock so that two events in the same millisecond still sort in order.
 */

const originMs = Date.now();
const originNs = process.hrtime.bigint();

/** Current time as microseconds since the Unix epoch. */
export function nowMicros(): bigint {
  const elapsedNs = process.hrtime.bigint() - originNs;
  return BigInt(originMs) * 1000n + elapsedNs / 1000n;
}

/** Format microseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
export function formatMicros(micros: bigint): string {
  const ms = Number(micros / 1000n);
  const fraction = (micros % 1_000_000n).toString().padStart(6, "0");
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 19)}.${fraction}Z`;
}

/** The current UTC time in the reference's timestamp format. */
export function utcTimestamp(): string {
  return formatMicros(nowMicros());
}
