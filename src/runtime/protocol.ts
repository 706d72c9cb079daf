/**
 * The runtime server's wire protocol (spec 8.4): one request per Unix-socket connection. The client
 * sends one UTF-8 JSON object `{method, params, secret}`, half-closes, and reads one JSON response
 * `{ok: true, data}` or `{ok: false, error_kind, error}` until EOF.
 *
 * Every method's params and data are declared here once; the server validates params with them
 * and the client validates data with them.
 */
import { z } from "zod";

/** Requests larger than this are answered `validation` "request too large". */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export const RuntimeErrorKind = z.enum(["validation", "permission", "not_found", "internal"]);
export type RuntimeErrorKind = z.infer<typeof RuntimeErrorKind>;

/** The envelope, checked before the method's own params. */
export const RuntimeRequest = z.object({
  method: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  secret: z.string(),
});
export type RuntimeRequest = z.infer<typeof RuntimeRequest>;

export const RuntimeResponse = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error_kind: z.string(), error: z.string() }),
]);
export type RuntimeResponse = z.infer<typeof RuntimeResponse>;

/** `server.json`: how clients find and authenticate to the server (mode 0600). */
export const ServerInfo = z.object({
  pid: z.number().int().positive(),
  socket_path: z.string().min(1),
  secret: z.string().min(1),
  created_at_ms: z.number().int().nonnegative(),
  workspace_root: z.string().optional(),
});
export type ServerInfo = z.infer<typeof ServerInfo>;

const nonBlank = (what: string) => z.string().refine((s) => s.trim() !== "", `${what} must be a non-empty string`);
const sessionId = z.number().int().positive();
const nonNegative = z.number().int().nonnegative();

export const OrphanCleanup = z.object({
  ok: z.boolean(),
  killed: z.number().int(),
  skipped: z.number().int(),
  /** Entries kept because their process could not be verified as ours (`needs_manual_cleanup`). */
  kept: z.number().int(),
  errors: z.array(z.string()),
});
export type OrphanCleanup = z.infer<typeof OrphanCleanup>;

const ChildData = z.object({
  id: z.string(),
  status: z.string(),
  agent_type: z.string().optional(),
  final_output: z.string().optional(),
  error: z.string().optional(),
  run_id: z.string().optional(),
  wal_locator: z.string().optional(),
  question: z.string().optional(),
});

/** How a child agent's LLM backend is chosen (our addition to `collab.spawn`, for offline CLI use). */
export const ChildBackend = z.enum(["fake", "openai"]);
export type ChildBackend = z.infer<typeof ChildBackend>;

export const METHODS = {
  ping: { params: z.object({}), data: z.object({ pong: z.literal(true) }) },
  shutdown: { params: z.object({}), data: z.object({ ok: z.literal(true) }) },
  "runtime.status": {
    params: z.object({}),
    data: z.object({
      ok: z.literal(true),
      pid: z.number().int(),
      created_at_ms: z.number().int(),
      uptime_ms: z.number().int(),
      workspace_root: z.string(),
      active_exec_sessions: z.number().int(),
      active_children: z.number().int(),
      exec_registry: z.object({ path: z.string(), count: z.number().int(), last_orphan_cleanup: OrphanCleanup }),
    }),
  },
  "runtime.cleanup": {
    params: z.object({ exec: z.boolean().default(true), children: z.boolean().default(true) }),
    data: z.object({
      ok: z.literal(true),
      exec: z.boolean(),
      children: z.boolean(),
      closed_exec_sessions: z.number().int(),
      cancelled_children: z.number().int(),
    }),
  },
  "exec.spawn": {
    params: z.object({
      argv: z.array(z.string()).min(1, "argv must be a non-empty list of strings"),
      cwd: z.string().min(1),
      env: z.record(z.string(), z.string()).nullish(),
      tty: z.boolean().default(true),
    }),
    data: z.object({ session_id: z.number().int(), created_at_ms: z.number().int(), pid: z.number().int() }),
  },
  "exec.write": {
    params: z.object({
      session_id: sessionId,
      chars: z.string().default(""),
      yield_time_ms: nonNegative.default(50),
      max_output_bytes: nonNegative.default(65_536),
    }),
    data: z.object({
      stdout: z.string(),
      stderr: z.string(),
      exit_code: z.number().int().nullable(),
      running: z.boolean(),
      truncated: z.boolean(),
    }),
  },
  "exec.close": {
    params: z.object({ session_id: sessionId }),
    data: z.object({ ok: z.literal(true), session_id: z.number().int(), found: z.boolean() }),
  },
  "exec.close_all": { params: z.object({}), data: z.object({ ok: z.literal(true) }) },
  "collab.spawn": {
    params: z.object({
      message: nonBlank("message"),
      agent_type: z.string().trim().min(1).default("default"),
      /** null/absent: chosen like `skills-runtime run` does (configured endpoint, else a local server). */
      backend: ChildBackend.nullish(),
      /** The fake backend's script TEXT (YAML or JSON); implies the fake backend. */
      fake_script: z.string().nullish(),
    }),
    data: ChildData,
  },
  "collab.wait": {
    params: z.object({
      ids: z.array(z.string()).min(1, "ids must be a non-empty list"),
      timeout_ms: nonNegative.nullish(),
    }),
    data: z.object({ results: z.array(ChildData) }),
  },
  "collab.send_input": {
    params: z.object({ id: nonBlank("id"), message: nonBlank("message") }),
    data: z.object({ id: z.string() }),
  },
  "collab.close": { params: z.object({ id: nonBlank("id") }), data: z.object({ id: z.string() }) },
  "collab.resume": { params: z.object({ id: nonBlank("id") }), data: ChildData },
} as const;

export type RuntimeMethod = keyof typeof METHODS;
export type MethodParams<M extends RuntimeMethod> = z.input<(typeof METHODS)[M]["params"]>;
export type ParsedParams<M extends RuntimeMethod> = z.output<(typeof METHODS)[M]["params"]>;
export type MethodData<M extends RuntimeMethod> = z.output<(typeof METHODS)[M]["data"]>;

export function isRuntimeMethod(name: string): name is RuntimeMethod {
  return Object.hasOwn(METHODS, name);
}

/** One line naming the first problem of a failed parse, e.g. `argv: argv must be a non-empty list`. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid value";
  const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
  return `${where}${issue.message}`;
}
