/**
 * Tools a run can call: a name, a model-facing description, a parameter schema (zod or JSON
 * schema) and a handler. Custom tools registered by library users live here; builtin tools register
 * the same way with their safety descriptor kind. Registration order is provider order.
 */
import { z } from "zod";
import { ToolResultPayload } from "../events/tool-result.ts";
import type { RuntimeConfig } from "../config/schema.ts";
import type { ToolSpec } from "../llm/protocol.ts";
import type { SkillsManager } from "../skills/skills-manager.ts";
import type { SandboxAdapter, SandboxUnavailable } from "../sandbox/adapter.ts";
import type { CollabManager } from "./collab.ts";
import type { ExecSessions } from "./exec-sessions.ts";
import type { HumanIO } from "./human-io.ts";
import { descriptorFromSafety, type CustomToolSafety } from "../safety/custom-descriptor.ts";
import type { ToolKind, ToolSafetyDescriptor } from "../safety/descriptors.ts";
import { RuntimeError, isRuntimeError } from "../util/errors.ts";

export interface ToolContext {
  workspaceRoot: string;
  runId: string;
  callId: string;
  turnId?: string;
  stepId?: string;
  signal: AbortSignal;
  /** The run's env store (never logged). */
  env: Readonly<Record<string, string>>;
  /** Emit a side event (human_request, plan_updated, ...) from inside the tool. */
  emit: (type: string, payload: Record<string, unknown>) => Promise<void>;
  /** What builtin tools need from the run; custom tools may ignore it. Absent outside a run. */
  services?: ToolServices;
}

/** Run services handed to builtin tools (explicit wiring: nothing reads globals). */
export interface ToolServices {
  config: RuntimeConfig;
  humanIO: HumanIO | null;
  /** Secret values to redact from outputs. */
  secrets: readonly string[];
  homeDir: string | null;
  /** The environment a child process starts from (provider keys already stripped); tools overlay theirs. */
  baseEnv: Readonly<Record<string, string>>;
  /**
   * Credentials named by the config for tools themselves (e.g. `tools.web_search.api_key_env`),
   * read from the process env at the boundary. Never passed to child processes; also in `secrets`.
   */
  credentials: Readonly<Record<string, string>>;
  /** The run's skills (for `skill_exec` / `skill_ref_read`); absent when no skills are configured. */
  skills?: SkillsManager | null;
  /** The run's OS sandbox adapter, or null when none is configured or usable. */
  sandboxAdapter: SandboxAdapter | null;
  /**
   * Why `sandboxAdapter` is null and how to fix it (from `createSandboxAdapter`'s start-up probe);
   * a `restricted` call's `sandbox_denied` result says this instead of a generic message.
   */
  sandboxUnavailable?: SandboxUnavailable | null;
  /** PTY sessions for `exec_command` / `write_stdin` (in-process in a run, the runtime server in the tools CLI). */
  execSessions?: ExecSessions | null;
  /** Sub-agents for `spawn_agent`, `wait`, `send_input`, `close_agent`, `resume_agent`. */
  collab?: CollabManager | null;
  /** The running Agent's profile id and its child profile map (spawn_agent picks the child profile). */
  profileId?: string | null;
  childProfileMap?: Readonly<Record<string, string>>;
}

export type ToolHandlerResult = ToolResultPayload | string | number | boolean | null | undefined | Record<string, unknown>;

export interface ToolDefinition<Args = Record<string, unknown>> {
  name: string;
  description: string;
  /** A zod schema (validated before the handler runs) or a JSON schema object (sent as is). */
  parameters?: z.ZodType<Args> | Record<string, unknown>;
  handler: (args: Args, ctx: ToolContext) => Promise<ToolHandlerResult> | ToolHandlerResult;
  /** Custom tools only: how the gate treats the call (default: the by-name policy). */
  safety?: CustomToolSafety;
}

export interface RegisteredTool {
  definition: ToolDefinition<any>;
  kind: ToolKind;
}

function isZod(value: unknown): value is z.ZodType {
  return typeof value === "object" && value !== null && "_zod" in value;
}

export function okResult(stdout: string, data?: Record<string, unknown>): ToolResultPayload {
  return { ok: true, stdout, stderr: "", exit_code: 0, duration_ms: 0, truncated: false, retryable: false, ...(data ? { data } : {}) };
}

export function errorResult(errorKind: string, stderr: string, data?: Record<string, unknown>): ToolResultPayload {
  return { ok: false, stdout: "", stderr, duration_ms: 0, truncated: false, retryable: false, error_kind: errorKind, ...(data ? { data } : {}) };
}

function looksLikeResult(value: unknown): value is ToolResultPayload {
  return typeof value === "object" && value !== null && typeof (value as { ok?: unknown }).ok === "boolean";
}

export class ToolRegistry {
  private readonly tools = new Map<string, RegisteredTool>();

  register(definition: ToolDefinition<any>, options: { kind?: ToolKind; override?: boolean } = {}): void {
    const name = definition.name?.trim();
    if (!name) throw new RuntimeError("validation", "Cannot register tool: the name is empty");
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
      throw new RuntimeError("validation", `Cannot register tool "${name}": names are 1..64 characters of [a-zA-Z0-9_-]`);
    }
    if (this.tools.has(name) && !options.override) {
      throw new RuntimeError("validation", `Cannot register tool "${name}": a tool with that name exists (pass override: true to replace it)`);
    }
    this.tools.set(name, { definition: { ...definition, name }, kind: options.kind ?? "custom" });
  }

  get(name: string): RegisteredTool | undefined {
    return this.tools.get(name);
  }

  /** A custom tool's declared safety descriptor, if it has one. */
  descriptorOf(name: string): ToolSafetyDescriptor | undefined {
    const tool = this.get(name);
    return tool && tool.kind === "custom" && tool.definition.safety ? descriptorFromSafety(tool.definition.safety) : undefined;
  }

  kindOf(name: string): ToolKind {
    return this.tools.get(name)?.kind ?? "unregistered";
  }

  list(): RegisteredTool[] {
    return [...this.tools.values()];
  }

  /** Provider-facing specs, in registration order. */
  specs(): ToolSpec[] {
    return this.list().map(({ definition }) => ({
      type: "function",
      function: {
        name: definition.name,
        description: definition.description,
        parameters: isZod(definition.parameters)
          ? // "input": a field with a default is optional for the model.
            (z.toJSONSchema(definition.parameters, { io: "input" }) as Record<string, unknown>)
          : (definition.parameters ?? { type: "object", properties: {}, additionalProperties: false }),
      },
    })) as ToolSpec[];
  }

  /** Run a tool's handler and normalise what it returns or throws into a result payload. */
  async dispatch(name: string, args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResultPayload> {
    const tool = this.tools.get(name);
    if (!tool) return errorResult("not_found", `tool not found: ${name}`, { tool: name });
    const started = performance.now();
    let parsedArgs: unknown = args;
    if (isZod(tool.definition.parameters)) {
      const parsed = z.safeParse(tool.definition.parameters, args);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return errorResult("validation", `invalid arguments for ${name}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`, { tool: name });
      }
      parsedArgs = parsed.data;
    }
    let result: ToolResultPayload;
    try {
      const value = await tool.definition.handler(parsedArgs, ctx);
      if (looksLikeResult(value)) result = ToolResultPayload.parse(value);
      else {
        const text = typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value);
        result = okResult(text, { result: text });
      }
    } catch (error) {
      if (ctx.signal.aborted) result = errorResult("cancelled", "cancelled by user");
      else if (isRuntimeError(error)) {
        const details = Object.keys(error.details).length > 0 ? error.details : undefined;
        result = errorResult(error.kind === "usage" ? "validation" : error.kind, error.message, details);
      }
      else result = errorResult("unknown", error instanceof Error ? error.message : String(error));
    }
    if (!result.duration_ms) result.duration_ms = Math.round(performance.now() - started);
    return result;
  }
}
