/**
 * Parse an RFC 3339 / ISO-8601 timestamp to microseconds since the epoch, accepting what the
 * reference's `datetime.fromisoformat` accepts for WAL timestamps (after it maps `Z` to `+00:00`):
 * `YYYY-MM-DD`, optional `T`/space + `HH[:MM[:SS[.f…]]]`, optional `Z` or `±HH:MM[:SS[.ffffff]]`.
 * Fractions beyond six digits are truncated; a missing offset means UTC.
 */

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?)?(?:(Z)|([+-])(\d{2}):?(\d{2})(?::?(\d{2})(?:\.(\d{1,6}))?)?)?$/;

function invalid(text: string): Error {
  return new Error(`Invalid isoformat string: '${text}'`);
}

/** Microseconds since the Unix epoch; throws `Invalid isoformat string: '…'` like Python. */
export function parseIsoMicros(text: string): bigint {
  const m = ISO_PATTERN.exec(text.trim());
  if (!m) throw invalid(text);
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => Number(v ?? 0)) as [
    number, number, number, number, number, number,
  ];
  const fraction = BigInt(((m[7] ?? "") + "000000").slice(0, 6));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) throw invalid(text);
  const dateMs = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(dateMs);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) throw invalid(text);
  let offsetMicros = 0n;
  if (m[9]) {
    const offHours = Number(m[10]);
    const offMinutes = Number(m[11]);
    const offSeconds = Number(m[12] ?? 0);
    if (offHours > 23 || offMinutes > 59 || offSeconds > 59) throw invalid(text);
    const offFraction = BigInt(((m[13] ?? "") + "000000").slice(0, 6));
    const magnitude = BigInt((offHours * 3600 + offMinutes * 60 + offSeconds) * 1_000_000) + offFraction;
    offsetMicros = m[9] === "-" ? -magnitude : magnitude;
  }
  return BigInt(dateMs) * 1000n + fraction - offsetMicros;
}
