/**
 * Identifiers of Studio storage (spec 12.2): `sess_<32 hex>` for sessions, `run_<32 hex>` for runs.
 */
import { randomBytes } from "node:crypto";

export function newSessionId(): string {
  return `sess_${randomBytes(16).toString("hex")}`;
}

export function newRunId(): string {
  return `run_${randomBytes(16).toString("hex")}`;
}
