import { describe, expect, test } from "bun:test";
import { tempDirs } from "../../test/support/tool-context.ts";
import { buildDoctorReport } from "./doctor.ts";

const newDir = tempDirs("sr-doctor-");
const hasBwrap = Bun.which("bwrap") !== null;
const env = { PATH: "/usr/local/bin:/usr/bin:/bin" };

describe("doctor: sandbox", () => {
  test("names why restricted calls would be denied, with the fix, when the adapter is unusable", async () => {
    const report = await buildDoctorReport({
      workspaceRoot: newDir(),
      env,
      dotenv: false,
      discover: false,
      probeLlm: false,
      platform: "linux",
      overlays: [{ data: { sandbox: { profile: "balanced", os: { bubblewrap: { bwrap_path: "sr-no-such-bwrap" } } } } }],
    });
    expect(report.sandbox).toMatchObject({ adapter: "bubblewrap", available: false, adapter_name: null, profile: "balanced", default_policy: "restricted", unshare_net: true });
    const check = report.checks.find((c) => c.name === "sandbox")!;
    expect(check.status).toBe("error");
    expect(check.message).toContain('bwrap executable "sr-no-such-bwrap" not found on PATH');
    expect(check.fix).toContain("apt-get install -y bubblewrap");
    expect(report.sandbox?.restricted).toBe(
      'restricted calls fail with sandbox_denied: bwrap executable "sr-no-such-bwrap" not found on PATH (a bwrap inside the workspace is never used)',
    );
  });

  test.skipIf(!hasBwrap)(`names the adapter and what restricted guarantees for the profile${hasBwrap ? "" : " (skipped: bwrap is not installed)"}`, async () => {
    const report = await buildDoctorReport({
      workspaceRoot: newDir(),
      env,
      dotenv: false,
      discover: false,
      probeLlm: false,
      platform: "linux",
      overlays: [{ data: { sandbox: { profile: "prod" } } }],
    });
    expect(report.sandbox?.adapter_name).toBe("BubblewrapSandboxAdapter");
    expect(report.sandbox?.restricted).toBe(
      "restricted calls run in BubblewrapSandboxAdapter (profile prod: workspace writable at /work, private /tmp and HOME, host processes hidden; network off; /etc reduced to an allowlist; .git, .skills_runtime_sdk, config read-only)",
    );
    expect(report.checks.find((c) => c.name === "sandbox")?.status).toBe("ok");
  });
});
