/**
 * Fake-backend script files (`--backend fake --fake-script FILE`, JSON or YAML).
 *
 * ```yaml
 * calls:
 *   - events:
 *       - type: tool_calls
 *         tool_calls:
 *           - name: file_write
 *             arguments: { path: hello.txt, content: hi }   # or raw_arguments: '{"path": …}'
 *       - type: completed
 *         finish_reason: tool_calls
 *   - text: done                       # shorthand: one text_delta, then completed(stop)
 * ```
 *
 * The top level may also be the bare list of calls. Tool calls get `call_id` `fake-call-<n>`
 * when the file gives none. Usage may be written flat (`input_tokens`, `output_tokens`).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { parse as parseYaml } from "yaml";
import { ConfigError, describeError } from "../util/errors.ts";
import { FakeErrorStep, FakeRetryStep, FakeWaitStep, type FakeCall, type FakeStep } from "./fake-backend.ts";

const FileToolCall = z.strictObject({
  call_id: z.string().min(1).optional(),
  name: z.string().min(1),
  arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
  raw_arguments: z.string().optional(),
});

const FileEvent = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("text_delta"), text: z.string() }),
  z.strictObject({ type: z.literal("tool_calls"), tool_calls: z.array(FileToolCall).min(1) }),
  z.strictObject({
    type: z.literal("usage"),
    input_tokens: z.number().int().nonnegative(),
    output_tokens: z.number().int().nonnegative(),
    total_tokens: z.number().int().nonnegative().optional(),
    model: z.string().optional(),
  }),
  z.strictObject({ type: z.literal("completed"), finish_reason: z.string().default("stop") }),
  FakeErrorStep.strict(),
  FakeWaitStep.strict(),
  FakeRetryStep.strict(),
]);
type FileEvent = z.infer<typeof FileEvent>;

const FileCall = z
  .strictObject({ events: z.array(FileEvent).optional(), text: z.string().optional() })
  .refine((call) => (call.events === undefined) !== (call.text === undefined), {
    message: 'a call needs exactly one of "events" or "text"',
  });
type FileCall = z.infer<typeof FileCall>;

/** The file's shape (before conversion to `FakeCall[]`); a bare list means `{calls: list}`. */
export const FakeScriptFile = z.preprocess(
  (value) => (Array.isArray(value) ? { calls: value } : value),
  z.strictObject({ calls: z.array(FileCall) }),
);
export type FakeScriptFile = z.infer<typeof FakeScriptFile>;

export type FakeScriptFormat = "json" | "yaml";

export function fakeScriptFormatFromPath(path: string): FakeScriptFormat {
  return /\.json$/i.test(path) ? "json" : "yaml";
}

function convertEvent(event: FileEvent, nextCallId: () => string): FakeStep {
  switch (event.type) {
    case "tool_calls":
      return {
        type: "tool_calls",
        tool_calls: event.tool_calls.map((call) => ({
          call_id: call.call_id ?? nextCallId(),
          name: call.name,
          raw_arguments:
            call.raw_arguments ??
            (typeof call.arguments === "string" ? call.arguments : call.arguments ? JSON.stringify(call.arguments) : ""),
        })),
      };
    case "usage": {
      const total = event.total_tokens ?? event.input_tokens + event.output_tokens;
      const usage = { input_tokens: event.input_tokens, output_tokens: event.output_tokens, total_tokens: total };
      return { type: "usage", usage, provider: "fake", ...(event.model ? { model: event.model } : {}) };
    }
    default:
      return event;
  }
}

/** Converts a validated script file into backend calls. */
export function fakeCallsFromFile(file: FakeScriptFile): FakeCall[] {
  let counter = 0;
  const nextCallId = () => `fake-call-${++counter}`;
  return file.calls.map((call: FileCall) =>
    call.text !== undefined
      ? { events: [{ type: "text_delta", text: call.text }, { type: "completed", finish_reason: "stop" }] }
      : { events: (call.events ?? []).map((event) => convertEvent(event, nextCallId)) },
  );
}

export interface LoadFakeScriptOptions {
  /** The file the text came from, named in error messages (`Cannot read fake script "x.yaml": …`). */
  file?: string;
}

/** Parses and validates a script file's text. Throws ConfigError naming the first problem. */
export function loadFakeScript(text: string, format: FakeScriptFormat, options: LoadFakeScriptOptions = {}): FakeCall[] {
  const what = options.file === undefined ? "the fake backend script" : `fake script ${JSON.stringify(options.file)}`;
  let data: unknown;
  try {
    data = format === "json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`Cannot read ${what}: it is not valid ${format.toUpperCase()} (${describeError(error).split("\n")[0]?.trim().replace(/:$/, "")})`);
  }
  const parsed = FakeScriptFile.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at "${issue.path.join(".")}"` : "";
    throw new ConfigError(`Cannot read ${what}: ${issue?.message ?? "invalid script"}${where}`, {
      details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) },
    });
  }
  return fakeCallsFromFile(parsed.data);
}

/**
 * Reads a script file (`--fake-script FILE`, relative to `cwd`; `.json` is JSON, anything else
 * YAML). Throws ConfigError naming the file: missing or unreadable, empty, not valid JSON/YAML,
 * not a script, or a script without calls.
 */
export function readFakeScriptFile(file: string, cwd: string): FakeCall[] {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "file not found" : code === "EISDIR" ? "it is a directory" : describeError(error);
    throw new ConfigError(`Cannot read fake script ${JSON.stringify(file)}: ${why} (${path})`, { details: { path } });
  }
  if (text.trim() === "") throw new ConfigError(`Cannot read fake script ${JSON.stringify(file)}: the file is empty (${path})`, { details: { path } });
  const calls = loadFakeScript(text, fakeScriptFormatFromPath(path), { file });
  if (calls.length === 0) throw new ConfigError(`Cannot read fake script ${JSON.stringify(file)}: it has no calls (${path})`, { details: { path } });
  return calls;
}

/** The script used by `--backend fake` without `--fake-script`: one friendly answer echoing the task. */
export function defaultFakeScript(task: string): FakeCall[] {
  const text =
    `Hello from the fake backend. You asked: "${task.trim()}". ` +
    "No model was called; pass --fake-script FILE to script the replies.";
  return [{ events: [{ type: "text_delta", text }, { type: "completed", finish_reason: "stop" }] }];
}
