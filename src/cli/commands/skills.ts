/**
 * `skills-runtime skills <command>` (spec 11.1-11.2, issue 6):
 * - `preflight` (alias `validate-config`): config issues without scanning -> `{issues, stats}`;
 *   exit 10 errors, 12 warnings only.
 * - `scan`: metadata-only scan -> the scan report JSON; exit 11 errors, 12 warnings only.
 * - `mentions TEXT`, `new NAME`, `lint PATH`: skills-authoring.ts; `install-builtin`: skills-builtin.ts.
 * preflight and scan always print one JSON document (compact, `--pretty` indents), as the reference.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { discoverOverlayPaths } from "../../config/discover.ts";
import { loadConfig, type LoadedConfig } from "../../config/load.ts";
import { expandHome } from "../../config/paths.ts";
import { isSkillError, isWarning, skillIssue, type SkillIssue } from "../../skills/issues.ts";
import { failedScanReport, scanReportToJson, type ScanReport } from "../../skills/scan.ts";
import { SkillsManager } from "../../skills/skills-manager.ts";
import { describeError, isRuntimeError, UsageError } from "../../util/errors.ts";
import { parseArgs, renderHelp, type FlagSpec } from "../args.ts";
import type { CliCommand, CliIO } from "../command.ts";
import { WORKSPACE_FLAGS, formatJson } from "../common.ts";
import { EXIT } from "../exit-codes.ts";
import { AUTHORING, type SkillsSubcommand } from "./skills-authoring.ts";
import { INSTALL_BUILTIN } from "./skills-builtin.ts";

const PRETTY: FlagSpec = { name: "pretty", type: "boolean", description: "Indent the JSON output (2 spaces)." };
const COMMON: readonly FlagSpec[] = [...WORKSPACE_FLAGS, PRETTY];

interface Bootstrap {
  root: string;
  configPaths: string[];
  loaded: LoadedConfig | null;
  issues: SkillIssue[];
}

/** Workspace root, `.env`, overlays and config; problems become issues (never a throw). */
function bootstrap(args: { flags: Record<string, unknown> }, io: CliIO): Bootstrap {
  const root = resolve(io.cwd, expandHome(String(args.flags["workspace-root"] ?? "."), io.env));
  const configPaths = (args.flags.config as string[] | undefined) ?? [];
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    const code = existsSync(root) ? "CLI_WORKSPACE_ROOT_INVALID" : "CLI_WORKSPACE_ROOT_NOT_FOUND";
    return { root, configPaths, loaded: null, issues: [skillIssue(code, `Cannot use workspace root "${root}": not an existing directory.`, { workspace_root: root })] };
  }
  try {
    const loaded = loadConfig({ workspaceRoot: root, configPaths, dotenv: args.flags["no-dotenv"] !== true, env: io.env });
    return { root, configPaths, loaded, issues: [] };
  } catch (error) {
    const code = isRuntimeError(error) && error.code ? error.code : "CLI_CONFIG_LOAD_FAILED";
    const details = isRuntimeError(error) ? { ...error.details } : { reason: describeError(error) };
    return { root, configPaths, loaded: null, issues: [skillIssue(code, describeError(error), details)] };
  }
}

function manager(loaded: LoadedConfig): SkillsManager {
  return new SkillsManager({ workspaceRoot: loaded.workspaceRoot, config: loaded.config.skills, env: loaded.env });
}

async function preflight(args: { flags: Record<string, unknown> }, io: CliIO): Promise<number> {
  const boot = bootstrap(args, io);
  const issues = [...boot.issues];
  if (boot.loaded) issues.push(...manager(boot.loaded).preflight());
  const warnings = issues.filter(isWarning).length;
  const errors = issues.length - warnings;
  const overlayPaths = boot.loaded?.overlayPaths ?? (boot.issues[0]?.code.startsWith("CLI_WORKSPACE") ? [] : discoverOverlayPaths(boot.root, io.env, boot.configPaths));
  io.stdout(
    formatJson(
      {
        issues: issues.map((i) => ({ code: i.code, message: i.message, details: i.details })),
        stats: { workspace_root: boot.root, overlay_paths: overlayPaths, env_file: boot.loaded?.envFile ?? null, issues_total: issues.length, errors_total: errors, warnings_total: warnings },
      },
      args.flags.pretty === true,
    ),
  );
  return errors > 0 ? EXIT.preflightErrors : warnings > 0 ? EXIT.warningsOnly : EXIT.ok;
}

async function scan(args: { flags: Record<string, unknown> }, io: CliIO): Promise<number> {
  const boot = bootstrap(args, io);
  let report: ScanReport;
  if (!boot.loaded) report = failedScanReport(boot.issues);
  else {
    const skills = manager(boot.loaded);
    try {
      report = await skills.scan({ signal: io.signal });
    } catch (error) {
      if (isSkillError(error) && skills.lastReport) report = skills.lastReport;
      else report = failedScanReport([skillIssue("CLI_SCAN_FAILED", `Cannot scan skills: ${describeError(error)}`, { reason: describeError(error) })]);
    } finally {
      await skills.close();
    }
  }
  io.stdout(formatJson(scanReportToJson(report), args.flags.pretty === true));
  return report.errors.length ? EXIT.scanErrors : report.warnings.length ? EXIT.warningsOnly : EXIT.ok;
}

const SUBCOMMANDS: readonly SkillsSubcommand[] = [
  {
    name: "preflight",
    summary: "Check the skills config without scanning; prints {issues, stats} (exit 10 errors, 12 warnings only).",
    usage: "skills-runtime skills preflight [flags]",
    details: "Checks spaces, sources and options without reading skills or contacting Redis/PostgreSQL, and warns about\nfilesystem roots that do not exist. Alias: validate-config.",
    flags: COMMON,
    examples: ["skills-runtime skills preflight --pretty", "skills-runtime skills preflight --workspace-root ~/projects/demo --config more-skills.yaml"],
    run: preflight,
  },
  {
    name: "scan",
    summary: "Scan the configured sources (metadata only) and print the report (exit 11 errors, 12 warnings only).",
    usage: "skills-runtime skills scan [flags]",
    details: "Prints {scan_id, skills, errors, warnings, stats}. Bodies are never read. A duplicate (namespace, skill_name)\nis reported as SKILL_DUPLICATE_NAME naming both origins.",
    flags: COMMON,
    examples: ["skills-runtime skills scan --pretty", "skills-runtime skills scan --no-dotenv --workspace-root ."],
    run: scan,
  },
  ...AUTHORING,
  INSTALL_BUILTIN,
];

function subHelp(sub: SkillsSubcommand): string {
  return renderHelp({ usage: sub.usage, summary: sub.summary, ...(sub.details ? { details: sub.details } : {}), flags: sub.flags, examples: sub.examples });
}

export const skillsCommand: CliCommand = {
  name: "skills",
  passthrough: true,
  help: {
    usage: "skills-runtime skills <command> [flags]",
    summary: "Validate the skills config, scan skill sources, check mentions, create and lint skills.",
    details: "Run `skills-runtime skills <command> --help` for the flags of each command.\nExit codes: preflight 10 errors / 12 warnings; scan and lint 11 errors / 12 warnings; 2 usage error.",
    subcommands: SUBCOMMANDS.map((s) => ({ name: s.name, summary: s.summary })),
    flags: [],
    examples: SUBCOMMANDS.map((s) => s.examples[0]!),
  },
  async run(args, io) {
    const [name, ...rest] = args.positionals;
    const sub = SUBCOMMANDS.find((s) => s.name === (name === "validate-config" ? "preflight" : name));
    if (!sub) throw new UsageError(`skills-runtime skills: unknown command "${name ?? ""}". Commands: ${SUBCOMMANDS.map((s) => s.name).join(", ")}, validate-config.`);
    const parsed = parseArgs(rest, sub.flags, `skills-runtime skills ${sub.name}`);
    if (parsed.help) {
      io.stdout(subHelp(sub));
      return EXIT.ok;
    }
    return sub.run(parsed, io);
  },
};
