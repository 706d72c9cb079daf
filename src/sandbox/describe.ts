/** One line saying what a `restricted` call gets, for `doctor` and logs. */
import type { SandboxProfile } from "../config/schema.ts";
import { PROTECTED_ENTRIES, protectsWorkspaceMeta } from "./paths.ts";

export function describeFence(adapter: "bubblewrap" | "seatbelt", { profile, unshareNet }: { profile: SandboxProfile; unshareNet: boolean }): string {
  const parts = [
    adapter === "bubblewrap" ? "workspace writable at /work, private /tmp and HOME, host processes hidden" : "workspace and temp writable, home not readable",
    unshareNet ? "network off" : "network on",
    adapter === "bubblewrap" ? (profile === "prod" ? "/etc reduced to an allowlist" : "system dirs and /etc read-only") : profile === "prod" ? "/etc denied" : "system dirs read-only",
  ];
  if (protectsWorkspaceMeta(profile)) parts.push(`${PROTECTED_ENTRIES.join(", ")} read-only`);
  return parts.join("; ");
}
