/**
 * Adapter creation (spec 6.2), once per Agent (or CLI call): `sandbox.os.mode` picks the adapter
 * (auto: linux -> bubblewrap, darwin -> seatbelt), the shared start-up probe (detect.ts, cached
 * per process) decides whether it works here, and the answer carries the reason when it does not.
 *
 * No silent downgrade: when there is no usable adapter the selection says why (binary missing,
 * user namespaces disabled, AppArmor restriction, wrong platform, mode none) and how to fix it;
 * the shell tools put that into the `sandbox_denied` result of every `restricted` call. A call
 * whose effective policy is `none` runs as before.
 */
import type { RuntimeConfig } from "../config/schema.ts";
import type { SandboxAdapter, SandboxUnavailable } from "./adapter.ts";
import { BubblewrapSandboxAdapter } from "./bwrap.ts";
import { describeError } from "../util/errors.ts";
import { probeSandbox, selectAdapter, type SandboxProbe, type SandboxProbeInput } from "./detect.ts";
import { SeatbeltSandboxAdapter } from "./seatbelt.ts";

export interface CreateSandboxOptions {
  workspaceRoot: string;
  /** PATH used to find a relative `bwrap_path` (directories inside the workspace are skipped). */
  pathEnv: string;
  platform?: NodeJS.Platform;
  /** The availability probe (default: the per-process cached `probeSandbox`). */
  probe?: (input: SandboxProbeInput) => Promise<SandboxProbe>;
}

export interface SandboxSelection {
  /** The adapter for `restricted` calls, or null. */
  adapter: SandboxAdapter | null;
  /** Why `adapter` is null; null when an adapter is usable. */
  unavailable: SandboxUnavailable | null;
  probe: SandboxProbe;
}

export async function createSandboxAdapter(config: RuntimeConfig, options: CreateSandboxOptions): Promise<SandboxSelection> {
  const { os, profile } = config.sandbox;
  const input: SandboxProbeInput = {
    platform: options.platform ?? process.platform,
    mode: os.mode,
    bwrapPath: os.bubblewrap.bwrap_path,
    pathEnv: options.pathEnv,
    workspaceRoot: options.workspaceRoot,
  };
  let probe: SandboxProbe;
  try {
    probe = await (options.probe ?? probeSandbox)(input);
  } catch (error) {
    const adapter = selectAdapter(input.platform, input.mode);
    const reason = `the ${adapter ?? "OS"} sandbox probe failed: ${describeError(error)}`;
    probe = { adapter, available: false, binary: null, version: null, reason, fix: "Run `skills-runtime doctor` for details." };
  }
  if (!probe.available || probe.binary === null || probe.adapter === null) {
    return { adapter: null, unavailable: { reason: probe.reason ?? "no OS sandbox adapter is usable", fix: probe.fix }, probe };
  }
  const adapter =
    probe.adapter === "bubblewrap"
      ? new BubblewrapSandboxAdapter({ bwrapPath: probe.binary, profile, unshareNet: os.bubblewrap.unshare_net })
      : new SeatbeltSandboxAdapter({ profile, profileText: os.seatbelt.profile, unshareNet: os.bubblewrap.unshare_net, sandboxExecPath: probe.binary });
  return { adapter, unavailable: null, probe };
}
