import { buildDoctorReport, type DoctorReport } from "../../core/doctor.ts";
import type { CliCommand } from "../command.ts";
import { OUTPUT_FLAGS, WORKSPACE_FLAGS, formatJson, wantsJson, workspaceRootFlag } from "../common.ts";
import { EXIT } from "../exit-codes.ts";

const MARK = { ok: "ok  ", warn: "warn", error: "FAIL" } as const;

function renderHuman(report: DoctorReport, showSources: boolean): string {
  const lines = [`skills-runtime ${report.version} (${report.platform})`, ""];
  for (const check of report.checks) {
    lines.push(`[${MARK[check.status]}] ${check.name}: ${check.message}`);
    if (check.fix) lines.push(`       fix: ${check.fix}`);
  }
  if (report.config) {
    lines.push("", `workspace root: ${report.workspace_root}`);
    lines.push(`state dir:      ${report.state_dir}${report.state_dir_exists ? "" : " (not created yet)"}`);
    lines.push(`overlays:       ${report.overlay_paths.length ? report.overlay_paths.join(", ") : "(none)"}`);
    lines.push(`.env:           ${report.env_file ?? "(none)"}${report.dotenv_keys.length ? ` [${report.dotenv_keys.join(", ")}]` : ""}`);
    if (report.sandbox) {
      lines.push(`sandbox:        profile ${report.sandbox.profile}, default_policy ${report.sandbox.default_policy}, os.mode ${report.sandbox.mode}`);
    }
    if (report.llm) lines.push(`llm:            ${report.llm.base_url} model ${report.llm.executor_model} (key from ${report.llm.api_key_env}: ${report.llm.api_key_present ? "set" : "missing"})`);
    const overridden = Object.entries(report.sources).filter(([, s]) => s !== "embedded_default");
    if (showSources) {
      lines.push("", "effective values and their sources:");
      for (const [key, source] of Object.entries(report.sources)) lines.push(`  ${key} <- ${source}`);
    } else if (overridden.length) {
      lines.push("", "values not from the embedded defaults:");
      for (const [key, source] of overridden) lines.push(`  ${key} <- ${source}`);
      lines.push("(--sources lists every key; --json prints the whole effective config)");
    }
  }
  return `${lines.join("\n")}\n`;
}

export const doctorCommand: CliCommand = {
  name: "doctor",
  help: {
    usage: "skills-runtime doctor [flags]",
    summary: "Check the workspace: effective config and where each value came from, sandbox, LLM endpoint.",
    details:
      "The sandbox check runs a real trial command inside bubblewrap (Linux) or sandbox-exec (macOS) and prints the fix\n" +
      "when it cannot work. The LLM check contacts llm.base_url only when its API key is set (or the URL is loopback).\n" +
      "Secrets are never printed. Exit code 0 when nothing is in error, 1 otherwise.",
    flags: [
      ...WORKSPACE_FLAGS,
      ...OUTPUT_FLAGS,
      { name: "sources", type: "boolean", description: "List the source of every effective config value (human output)." },
      { name: "offline", type: "boolean", description: "Do not contact the LLM endpoint." },
    ],
    examples: ["skills-runtime doctor", "skills-runtime doctor --json --workspace-root ./my-project", "skills-runtime doctor --config ci.yaml --offline --pretty"],
  },
  async run(args, io) {
    const report = await buildDoctorReport({
      workspaceRoot: workspaceRootFlag(args, io),
      configPaths: args.flags.config as string[],
      dotenv: args.flags["no-dotenv"] !== true,
      env: io.env,
      probeLlm: args.flags.offline !== true,
    });
    io.stdout(wantsJson(args) ? formatJson(report, args.flags.pretty === true) : renderHuman(report, args.flags.sources === true));
    return report.ok ? EXIT.ok : EXIT.failure;
  },
};
