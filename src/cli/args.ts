/**
 * A small, strict argv parser and help renderer. Each command declares its flags once; the same
 * declaration drives parsing, validation and `--help`. Unknown flags are usage errors (exit 2).
 */
import { UsageError } from "../util/errors.ts";

export type FlagType = "boolean" | "string" | "strings" | "int";

export interface FlagSpec {
  name: string; // long name without dashes, e.g. "workspace-root"
  type: FlagType;
  description: string;
  short?: string;
  /** Shown as `--name VALUE` in help. */
  value?: string;
  default?: string | number | boolean;
  /** For string flags: the allowed values. */
  choices?: readonly string[];
}

export interface CommandHelp {
  /** e.g. `skills-runtime doctor [flags]` */
  usage: string;
  summary: string;
  /** Longer explanation shown under the summary. */
  details?: string;
  flags: readonly FlagSpec[];
  examples: readonly string[];
  subcommands?: readonly { name: string; summary: string }[];
}

export interface ParsedArgs {
  flags: Record<string, string | string[] | number | boolean | undefined>;
  positionals: string[];
  /** Arguments after a bare `--`. */
  rest: string[];
  help: boolean;
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], command: string): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const flags: ParsedArgs["flags"] = {};
  for (const spec of specs) {
    if (spec.type === "strings") flags[spec.name] = [];
    else if (spec.default !== undefined) flags[spec.name] = spec.default;
  }
  const positionals: string[] = [];
  let rest: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      rest = argv.slice(i + 1) as string[];
      break;
    }
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    let spec: FlagSpec | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
      spec = byName.get(name);
      if (!spec && name.startsWith("no-")) {
        const positive = byName.get(name.slice(3));
        if (positive?.type === "boolean" && inline === undefined) {
          flags[positive.name] = false;
          continue;
        }
      }
    } else {
      name = arg.slice(1);
      spec = byShort.get(name);
    }
    if (!spec) {
      throw new UsageError(`Unknown flag "${arg}" for ${command}. Run \`${command} --help\` to see the flags.`);
    }
    if (spec.type === "boolean") {
      if (inline !== undefined) throw new UsageError(`Flag --${spec.name} of ${command} takes no value (got "${inline}").`);
      flags[spec.name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`Flag --${spec.name} of ${command} needs a value: --${spec.name} ${spec.value ?? "VALUE"}`);
    if (spec.choices && !spec.choices.includes(value)) {
      throw new UsageError(`Flag --${spec.name} of ${command}: expected one of ${spec.choices.join("|")}, got "${value}".`);
    }
    if (spec.type === "int") {
      if (!/^-?\d+$/.test(value)) throw new UsageError(`Flag --${spec.name} of ${command}: expected an integer, got "${value}".`);
      flags[spec.name] = Number(value);
    } else if (spec.type === "strings") {
      (flags[spec.name] as string[]).push(value);
    } else {
      flags[spec.name] = value;
    }
  }
  return { flags, positionals, rest, help };
}

export function renderHelp(help: CommandHelp): string {
  const lines = [`Usage: ${help.usage}`, "", help.summary];
  if (help.details) lines.push("", help.details);
  if (help.subcommands?.length) {
    lines.push("", "Commands:");
    const width = Math.max(...help.subcommands.map((s) => s.name.length));
    for (const sub of help.subcommands) lines.push(`  ${sub.name.padEnd(width)}  ${sub.summary}`);
  }
  const flags = [...help.flags, { name: "help", type: "boolean", short: "h", description: "Show this help and exit." } as FlagSpec];
  lines.push("", "Flags:");
  const left = flags.map((f) => {
    const value = f.type === "boolean" ? "" : ` ${f.value ?? (f.type === "int" ? "N" : "VALUE")}`;
    return `${f.short ? `-${f.short}, ` : "    "}--${f.name}${value}`;
  });
  const width = Math.max(...left.map((l) => l.length));
  flags.forEach((f, i) => {
    let text = f.description;
    if (f.choices) text += ` One of: ${f.choices.join(", ")}.`;
    if (f.default !== undefined && f.type !== "boolean") text += ` [default: ${String(f.default)}]`;
    if (f.type === "strings") text += " Repeatable.";
    lines.push(`  ${left[i]!.padEnd(width)}  ${text}`);
  });
  if (help.examples.length) {
    lines.push("", help.examples.length === 1 ? "Example:" : "Examples:");
    for (const ex of help.examples) lines.push(`  ${ex}`);
  }
  return `${lines.join("\n")}\n`;
}
