/**
 * The library entry point: `new Agent({...}).run(task)` or `.runStream(task)`.
 * The Agent does no implicit I/O at construction: config comes from the embedded defaults plus the
 * overlays given here (no `.env`, no discovery; use `loadConfig` for that and pass `config`).
 */
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { resolve } from "node:path";
import type { LoadedConfig } from "../config/load.ts";
import { loadConfig } from "../config/load.ts";
import type { ConfigMap } from "../config/merge.ts";
import { childBaseEnv, readProcessEnv } from "../config/env.ts";
import type { SandboxAdapter } from "../sandbox/adapter.ts";
import { createSandboxAdapter, type SandboxSelection } from "../sandbox/create.ts";
import type { RuntimeConfig } from "../config/schema.ts";
import type { AgentEvent } from "../events/schema.ts";
import type { ChatBackend, ChatMessage } from "../llm/protocol.ts";
import { ApprovalGate } from "../safety/approval-gate.ts";
import type { ApprovalProvider } from "../safety/approvals.ts";
import { RuntimeError } from "../util/errors.ts";
import { secretValuesFromEnv } from "../util/redact.ts";
import { JsonlWal } from "../wal/append.ts";
import { injectedWalLocator, type WalBackend } from "../wal/backend.ts";
import { runDir as runDirOf, validateRunId } from "../wal/paths.ts";
import { loadResumePlan } from "../wal/resume.ts";
import { RunEmitter, type EventHook } from "./emitter.ts";
import { EventQueue } from "./event-queue.ts";
import type { HumanIO, RunContext } from "./run-context.ts";
import { runLoop } from "./run-loop.ts";
import { RunState, type Usage } from "./run-state.ts";
import { SkillsManager } from "../skills/skills-manager.ts";
import { BUILTIN_TOOLS, builtinRegistry, offersSkillTools } from "../tools/builtins.ts";
import type { ExecSessions } from "../tools/exec-sessions.ts";
import { InProcessExecSessions } from "../tools/pty-sessions.ts";
import { ToolRegistry, type ToolDefinition } from "../tools/registry.ts";
import type { CollabManager } from "../tools/collab.ts";
import { CollabService } from "../tools/collab-service.ts";
import { childAgentRunner, type ChildInfo } from "./child-agent.ts";

export interface AgentOptions {
  workspaceRoot?: string;
  backend?: ChatBackend | null;
  /** A config overlay object (merged over the embedded defaults) or an already loaded config. */
  config?: ConfigMap | LoadedConfig;
  /** Overlay files, applied before `config` (relative to the workspace). */
  configPaths?: string[];
  tools?: ToolDefinition<any>[];
  /** Builtin tools offered to the model: all (default), none (false), or only those named. */
  builtinTools?: boolean | readonly string[];
  approvalProvider?: ApprovalProvider | null;
  humanIO?: HumanIO | null;
  /** Inject a WAL (e.g. `new InMemoryWal()`); default a JSONL file per run. */
  wal?: WalBackend;
  /** Session env store: values tools may use; all of them are treated as secrets. */
  envVars?: Record<string, string>;
  eventHooks?: EventHook[];
  /** The environment child processes start from (default: this process's env minus credentials). */
  baseEnv?: Record<string, string>;
  /** The skills of this Agent's runs (default: built from `config.skills`; null: no skills at all). */
  skills?: SkillsManager | null;
  /** The process environment skill env vars may come from (default: this process's env). */
  processEnv?: Record<string, string>;
  /** Credentials for tools by env var name (default: the variables the config names, read from this process's env). */
  credentials?: Record<string, string>;
  /**
   * The OS sandbox adapter for `restricted` tool calls. Default: the one `sandbox.os` selects
   * (`createSandboxAdapter`, probed once per process); when none is usable, restricted calls fail
   * closed with `sandbox_denied` saying why. `null`: no adapter (restricted calls fail closed).
   */
  sandboxAdapter?: SandboxAdapter | null;
  /**
   * PTY sessions for `exec_command` / `write_stdin`. Injected: used as is and never closed by the
   * Agent. Default: a new in-process manager per run, whose sessions are all closed when the run
   * ends, so no session process outlives its run. `null`: none (the exec tools fail with `validation`).
   */
  execSessions?: ExecSessions | null;
  /** This Agent's profile id (`run_started.config_summary.profile_id`; `spawn_agent` maps it to the child profile). */
  profileId?: string | null;
  /** Parent profile id -> child profile id, for `spawn_agent` when the Agent has a `profileId`. */
  childProfileMap?: Record<string, string>;
  /**
   * Sub-agents for `spawn_agent` & co. Injected: used as is and never closed by the Agent.
   * Default: a new in-process manager per run whose children are child Agent runs
   * (src/core/child-agent.ts), all cancelled when the run ends, so no child outlives its run.
   * `null`: none (the collab tools fail with `validation`).
   */
  collab?: CollabManager | null;
  /** The backend of each default sub-agent (default: the run's backend). */
  childBackend?: (child: ChildInfo) => ChatBackend | null;
}

export interface RunOptions {
  runId?: string;
  resumeStrategy?: "summary" | "replay";
  signal?: AbortSignal;
  /** Explicit prior conversation (only user/assistant string messages are kept); disables resume. */
  initialHistory?: { role: string; content: unknown }[];
  /** Override the backend for this run (deterministic replay uses this). */
  backend?: ChatBackend;
  /** Override the registry for this run (deterministic replay uses this). */
  registry?: ToolRegistry;
  /** Override the approval provider, human I/O or WAL for this run (deterministic replay uses these). */
  approvalProvider?: ApprovalProvider | null;
  humanIO?: HumanIO | null;
  wal?: WalBackend;
  /** Create the run directory before the run (default true, as the reference; replay passes false). */
  createRunDir?: boolean;
  /** Use this session approval cache instead of the Agent's (deterministic replay starts from the record's). */
  sessionApprovals?: Set<string>;
  /** Deterministic replay: recorded sanitized arguments by call id (see RunContext). */
  recordedArguments?: (callId: string) => Record<string, unknown> | undefined;
}

export type RunStatus = "completed" | "failed" | "cancelled" | "waiting_human";

export interface RunResult {
  status: RunStatus;
  finalOutput: string;
  walLocator: string;
  runId: string;
  artifacts: string[];
  usage: Usage;
  /** run_failed.error_kind when status is failed. */
  errorKind?: string;
}

function isLoaded(value: AgentOptions["config"]): value is LoadedConfig {
  return typeof value === "object" && value !== null && "config" in value && "sources" in value;
}

export function newRunId(): string {
  return `run_${crypto.randomUUID().replaceAll("-", "")}`;
}

export class Agent {
  readonly workspaceRoot: string;
  readonly config: RuntimeConfig;
  readonly overlayPaths: string[];
  /** The loaded config this Agent was built from (handed on to its sub-agents). */
  private readonly loaded: LoadedConfig;
  /** Custom tools only (duplicates are caught at registration); runs add the builtins in front. */
  private readonly registry = new ToolRegistry();
  private readonly overrides = new Set<string>();
  private skillsManager: SkillsManager | null | undefined;
  private readonly sessionApprovals = new Set<string>();
  private readonly options: AgentOptions;
  private sandbox: Promise<Pick<SandboxSelection, "adapter" | "unavailable">> | undefined;

  constructor(options: AgentOptions = {}) {
    this.options = options;
    if (isLoaded(options.config)) {
      this.loaded = options.config;
      this.workspaceRoot = options.config.workspaceRoot;
      this.config = options.config.config;
      this.overlayPaths = options.config.overlayPaths;
    } else {
      const loaded = loadConfig({
        workspaceRoot: resolve(options.workspaceRoot ?? "."),
        configPaths: options.configPaths ?? [],
        discover: false,
        dotenv: false,
        env: {},
        overlays: options.config ? [{ label: "agent_config", data: options.config }] : [],
      });
      this.loaded = loaded;
      this.workspaceRoot = loaded.workspaceRoot;
      this.config = loaded.config;
      this.overlayPaths = loaded.overlayPaths;
    }
    for (const tool of options.tools ?? []) this.registerTool(tool);
  }

  /** Register a custom tool (zod or JSON-schema parameters). */
  registerTool(tool: ToolDefinition<any>, options: { override?: boolean } = {}): void {
    const name = typeof tool.name === "string" ? tool.name.trim() : "";
    if (!options.override && BUILTIN_TOOLS.some((b) => b.name === name) && this.options.builtinTools !== false) {
      throw new RuntimeError("validation", `Cannot register tool "${name}": a builtin tool has that name (register it with override: true to replace it)`);
    }
    this.registry.register(tool, { kind: "custom", ...options });
    if (options.override) this.overrides.add(tool.name.trim());
  }

  /**
   * The tools a run offers: the builtins in catalogue order, then the custom tools. A custom tool
   * may take a builtin's name only when registered with `override` (it stays a custom tool).
   */
  get tools(): ToolRegistry {
    const choice = this.options.builtinTools ?? true;
    const skills = offersSkillTools(this.skillsFor(() => this.options.processEnv ?? readProcessEnv()));
    const registry = choice === false ? new ToolRegistry() : builtinRegistry(choice === true ? undefined : choice, { skills });
    for (const { definition } of this.registry.list()) {
      const clash = registry.get(definition.name) !== undefined;
      if (clash && !this.overrides.has(definition.name)) {
        throw new RuntimeError("validation", `Cannot register tool "${definition.name}": a builtin tool has that name (register it with override: true to replace it)`);
      }
      registry.register(definition, { kind: "custom", override: clash });
    }
    return registry;
  }

  /** The OS sandbox of this Agent's runs: the injected adapter, or the configured one (created on first use). */
  private sandboxSelection(): Promise<Pick<SandboxSelection, "adapter" | "unavailable">> {
    if (this.sandbox) return this.sandbox;
    const injected = this.options.sandboxAdapter;
    if (injected !== undefined) {
      const unavailable = injected
        ? null
        : { reason: "the Agent was created with sandboxAdapter: null", fix: "Leave sandboxAdapter unset to use the OS sandbox that sandbox.os selects, or pass an adapter." };
      this.sandbox = Promise.resolve({ adapter: injected, unavailable });
    } else {
      this.sandbox = createSandboxAdapter(this.config, { workspaceRoot: this.workspaceRoot, pathEnv: this.options.baseEnv?.PATH ?? readProcessEnv().PATH ?? "" });
    }
    return this.sandbox;
  }

  /** The skills manager of this Agent's runs, created on first use. */
  private skillsFor(processEnv: () => Readonly<Record<string, string>>): SkillsManager | null {
    if (this.skillsManager === undefined) {
      this.skillsManager = this.options.skills !== undefined ? this.options.skills : new SkillsManager({ workspaceRoot: this.workspaceRoot, config: this.config.skills, env: processEnv() });
    }
    return this.skillsManager;
  }

  /** Run a task to its end and return the result. */
  async run(task: string, options: RunOptions = {}): Promise<RunResult> {
    const stream = this.start(task, options);
    for await (const _ of stream.events) {
      // drain: the result is computed from the terminal event
    }
    return stream.result;
  }

  /** Run a task and stream its events as they happen. Breaking out of the loop cancels the run. */
  runStream(task: string, options: RunOptions = {}): AsyncIterable<AgentEvent> & { result: Promise<RunResult> } {
    const stream = this.start(task, options);
    return Object.assign(stream.events, { result: stream.result });
  }

  private start(task: string, options: RunOptions): { events: AsyncIterable<AgentEvent>; result: Promise<RunResult> } {
    const runId = options.runId ?? newRunId();
    validateRunId(runId);
    const controller = new AbortController();
    if (options.signal) {
      if (options.signal.aborted) controller.abort(options.signal.reason);
      else options.signal.addEventListener("abort", () => controller.abort(options.signal!.reason), { once: true });
    }
    const queue = new EventQueue<AgentEvent>(() => controller.abort(new Error("stream consumer stopped")));
    const result = this.execute(task, runId, options, controller.signal, (e) => queue.push(e));
    // The stream ends after the last event, or re-raises the error that stopped the run.
    result.then(
      () => queue.end(),
      (error) => queue.fail(error),
    );
    return { events: queue, result };
  }

  private async execute(task: string, runId: string, options: RunOptions, signal: AbortSignal, sink: (e: AgentEvent) => void): Promise<RunResult> {
    if (typeof task !== "string" || task.trim() === "") throw new RuntimeError("validation", "Cannot start a run: the task is empty");
    const runDir = runDirOf(this.workspaceRoot, runId);
    const injected = options.wal ?? this.options.wal;
    // Spec 2.4: the run directory exists even with an injected WAL; a replay opts out.
    if (options.createRunDir !== false) mkdirSync(runDir, { recursive: true });
    const wal = injected ?? JsonlWal.forRun(this.workspaceRoot, runId);
    const walLocator = injected ? injectedWalLocator(injected, runId) : wal.locator();
    const strategy = options.resumeStrategy ?? this.config.run.resume_strategy;
    const initialHistory = options.initialHistory
      ? options.initialHistory.filter((m): m is ChatMessage & { content: string } => (m.role === "user" || m.role === "assistant") && typeof m.content === "string")
      : null;
    const plan = await loadResumePlan(wal, runId, { strategy, initialHistory });
    const sandbox = await this.sandboxSelection();
    const env = { ...(this.options.envVars ?? {}) };
    const hostEnv = readProcessEnv();
    const processEnv = this.options.processEnv ?? hostEnv;
    const skills = this.skillsFor(() => processEnv);
    const { credentials, secrets, baseEnv } = toolEnvironment(this.config, hostEnv, {
      envStore: env,
      ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
      ...(this.options.baseEnv ? { baseEnv: this.options.baseEnv } : {}),
    });
    const emitter = new RunEmitter(runId, wal, this.options.eventHooks ?? [], sink);
    const history = [...(plan.history as ChatMessage[]), ...((initialHistory ?? []) as ChatMessage[])];
    const ownExecSessions = this.options.execSessions === undefined ? new InProcessExecSessions() : null;
    const ctx: RunContext = {
      runId,
      task,
      workspaceRoot: this.workspaceRoot,
      runDir,
      config: this.config,
      backend: options.backend ?? this.options.backend ?? null,
      registry: options.registry ?? this.tools,
      approvals: undefined as unknown as ApprovalGate,
      emitter,
      walLocator,
      signal,
      env,
      secrets,
      humanIO: (options.humanIO !== undefined ? options.humanIO : this.options.humanIO) ?? null,
      skills,
      processEnv,
      state: new RunState(this.config, history),
      homeDir: homedir(),
      toolServices: undefined as unknown as RunContext["toolServices"],
      currentIds: {},
      ...(options.recordedArguments ? { recordedArguments: options.recordedArguments } : {}),
    };
    ctx.toolServices = {
      config: this.config,
      humanIO: ctx.humanIO,
      secrets,
      homeDir: ctx.homeDir,
      baseEnv,
      credentials,
      skills,
      sandboxAdapter: sandbox.adapter,
      sandboxUnavailable: sandbox.unavailable,
      execSessions: ownExecSessions ?? this.options.execSessions,
      profileId: this.options.profileId ?? null,
      childProfileMap: this.options.childProfileMap ?? {},
    };
    const ownCollab = this.options.collab === undefined ? this.childAgents(ctx, options, sandbox.adapter) : null;
    ctx.toolServices.collab = ownCollab ?? this.options.collab;
    ctx.approvals = new ApprovalGate({
      provider: (options.approvalProvider !== undefined ? options.approvalProvider : this.options.approvalProvider) ?? null,
      timeoutMs: this.config.safety.approval_timeout_ms,
      sessionCache: options.sessionApprovals ?? this.sessionApprovals,
      emit: async (type, payload) => void (await emitter.emit(type, payload, ctx.currentIds)),
    });
    ctx.approvals.seedSessionApprovals(plan.approvedForSessionKeys);
    ctx.approvals.seedDenialCounts(plan.deniedApprovalsByKey);

    await emitter.emit("run_started", {
      task,
      config_summary: {
        profile_id: this.options.profileId ?? null,
        models: { planner: this.config.models.planner, executor: this.config.models.executor },
        llm: { base_url: this.config.llm.base_url, api_key_env: this.config.llm.api_key_env },
        config_overlays: this.overlayPaths,
      },
      workspace_root: this.workspaceRoot,
      resume: plan.status,
    });
    try {
      await runLoop(ctx);
    } finally {
      await ownExecSessions?.closeAll();
      await ownCollab?.closeAll();
      // The run's own JSONL WAL holds a file descriptor and a lock: release them (a long-lived server runs many runs).
      if (!injected && wal instanceof JsonlWal) wal.close();
    }
    // Spec 2.7: env values collected during the run (skill env vars) stay in the session env store.
    if (this.options.envVars) for (const [key, value] of Object.entries(env)) if (!(key in this.options.envVars)) this.options.envVars[key] = value;
    return toResult(ctx);
  }

  /** The default sub-agent manager of a run: children are child Agents sharing this run's services. */
  private childAgents(ctx: RunContext, options: RunOptions, sandboxAdapter: SandboxAdapter | null): CollabService {
    const runner = childAgentRunner({
      createAgent: (childOptions) => new Agent(childOptions),
      shared: {
        config: this.loaded,
        backend: ctx.backend,
        approvalProvider: (options.approvalProvider !== undefined ? options.approvalProvider : this.options.approvalProvider) ?? null,
        // A probed adapter is shared; without one the child gets the same (cached) probe and its reason.
        sandboxAdapter: sandboxAdapter ?? this.options.sandboxAdapter,
        envVars: ctx.env,
        skills: ctx.skills,
        baseEnv: { ...ctx.toolServices.baseEnv },
        processEnv: { ...ctx.processEnv },
        credentials: { ...ctx.toolServices.credentials },
        childProfileMap: this.options.childProfileMap ?? {},
      },
      registry: ctx.registry,
      childBackend: this.options.childBackend ?? null,
    });
    return new CollabService({ runner });
  }
}

/**
 * What tool calls get from the host environment, by one rule for agent runs and the tools CLI:
 * the credentials the config names (never passed to children), the values to redact (those
 * credentials and the session env store), and the base env of child processes (credentials and the
 * LLM key dropped). `credentials` / `baseEnv` replace the derived ones when given.
 */
export function toolEnvironment(
  config: RuntimeConfig,
  hostEnv: Readonly<Record<string, string>>,
  options: { envStore?: Readonly<Record<string, string>>; credentials?: Record<string, string>; baseEnv?: Record<string, string> } = {},
): { credentials: Record<string, string>; secrets: string[]; baseEnv: Record<string, string> } {
  const envStore = options.envStore ?? {};
  const credentials = options.credentials ?? toolCredentials(config, hostEnv);
  return {
    credentials,
    secrets: secretValuesFromEnv({ ...envStore, ...credentials }, [...Object.keys(envStore), ...Object.keys(credentials)]),
    baseEnv: options.baseEnv ?? childBaseEnv(hostEnv, { alsoDrop: [config.llm.api_key_env] }),
  };
}

/** The credential variables the config names for tools (today `tools.web_search.api_key_env`). */
export function toolCredentials(config: RuntimeConfig, env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  const name = config.tools.web_search.api_key_env;
  if (name && env[name] !== undefined) out[name] = env[name]!;
  return out;
}

function toResult(ctx: RunContext): RunResult {
  const t = ctx.state.terminal;
  const base = { walLocator: ctx.walLocator, runId: ctx.runId, artifacts: [...ctx.state.artifacts], usage: { ...ctx.state.usage } };
  if (!t || t.kind === "completed") return { status: "completed", finalOutput: t?.finalOutput ?? "", ...base };
  if (t.kind === "cancelled") return { status: "cancelled", finalOutput: "cancelled by user", ...base };
  if (t.kind === "waiting_human") return { status: "waiting_human", finalOutput: t.message, ...base };
  if (t.kind === "budget") return { status: "failed", finalOutput: t.message, errorKind: "budget_exceeded", ...base };
  return { status: "failed", finalOutput: t.message, errorKind: t.errorKind, ...base };
}
