/**
 * Approval keys (spec 5.4): lowercase hex sha256 of the UTF-8 canonical JSON of
 * `{"request": <sanitized request>, "tool": <tool>}` (sorted keys at every depth, `,`/`:`
 * separators, non-ASCII unescaped). Byte-compatible with the reference's `compute_approval_key`.
 */
import { canonicalJson, sha256Hex } from "../util/canonical-json.ts";

/** The exact text that is hashed (exposed for diagnostics and tests). */
export function approvalKeyMaterial(tool: string, request: unknown): string {
  return canonicalJson({ request, tool });
}

export function computeApprovalKey(tool: string, request: unknown): string {
  return sha256Hex(approvalKeyMaterial(tool, request));
}
