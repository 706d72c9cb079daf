/**
 * Shared helpers for the builtin tool tests: temp workspaces, a valid config, a ToolContext that
 * records the side events a tool emits, and a registry holding the tools under test.
 */
import { afterEach } from "bun:test";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RuntimeConfig, type RuntimeConfigInput } from "../../src/config/schema.ts";
import type { SandboxAdapter, SandboxUnavailable } from "../../src/sandbox/adapter.ts";
import type { HumanIO } from "../../src/tools/human-io.ts";
import { ToolRegistry, type ToolContext, type ToolDefinition, type ToolServices } from "../../src/tools/registry.ts";

/** Returns a factory of temp dirs (real paths); every dir is removed after each test. */
export function tempDirs(prefix = "sr-tool-"): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
    made.push(dir);
    return dir;
  };
}

/** A complete config: embedded-like defaults plus the given top-level sections. */
export function testConfig(overrides: Partial<RuntimeConfigInput> = {}): RuntimeConfig {
  return RuntimeConfig.parse({
    run: {},
    llm: { base_url: "http://127.0.0.1:9/v1", api_key_env: "TEST_LLM_KEY" },
    models: { planner: "fake", executor: "fake" },
    ...overrides,
  });
}

/** The PATH tool processes start with in tests. */
export const TEST_BASE_ENV: Readonly<Record<string, string>> = { PATH: "/usr/local/bin:/usr/bin:/bin" };

export interface EmittedEvent {
  type: string;
  payload: Record<string, unknown>;
}

export interface ToolContextOptions {
  workspaceRoot: string;
  callId?: string;
  signal?: AbortSignal;
  env?: Record<string, string>;
  config?: RuntimeConfig;
  humanIO?: HumanIO | null;
  secrets?: string[];
  baseEnv?: Record<string, string>;
  credentials?: Record<string, string>;
  sandboxAdapter?: SandboxAdapter | null;
  sandboxUnavailable?: SandboxUnavailable | null;
  /** false: a context without run services (as a custom tool outside a run sees it). */
  services?: boolean;
}

/** A ToolContext whose `emit` records into `events`. */
export function makeToolContext(options: ToolContextOptions): { ctx: ToolContext; events: EmittedEvent[] } {
  const events: EmittedEvent[] = [];
  const services: ToolServices = {
    config: options.config ?? testConfig(),
    humanIO: options.humanIO ?? null,
    secrets: options.secrets ?? [],
    homeDir: null,
    baseEnv: options.baseEnv ?? TEST_BASE_ENV,
    credentials: options.credentials ?? {},
    sandboxAdapter: options.sandboxAdapter ?? null,
    sandboxUnavailable: options.sandboxUnavailable ?? null,
  };
  const ctx: ToolContext = {
    workspaceRoot: options.workspaceRoot,
    runId: "run_test",
    callId: options.callId ?? "call_1",
    signal: options.signal ?? new AbortController().signal,
    env: options.env ?? {},
    emit: async (type, payload) => void events.push({ type, payload }),
    ...(options.services === false ? {} : { services }),
  };
  return { ctx, events };
}

/** A registry with the given tools registered as builtins. */
export function registryWith(...tools: ToolDefinition<any>[]): ToolRegistry {
  const registry = new ToolRegistry();
  for (const tool of tools) registry.register(tool, { kind: "builtin" });
  return registry;
}

/** A HumanIO that answers from a list and records what it was asked. */
export function scriptedHumanIO(answers: string[]): HumanIO & { asked: Parameters<HumanIO["requestHumanInput"]>[] } {
  const asked: Parameters<HumanIO["requestHumanInput"]>[] = [];
  return {
    asked,
    async requestHumanInput(request, options) {
      asked.push([request, options]);
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`No scripted answer left for "${request.question}"`);
      return answer;
    },
  };
}

/** A sandbox adapter for tests: `wrap` rewrites the command (or throws to refuse it). */
export function fakeSandboxAdapter(
  name: string,
  wrap: (argv: readonly string[], options: Parameters<SandboxAdapter["prepare"]>[1]) => ReturnType<SandboxAdapter["prepare"]>,
): SandboxAdapter & { calls: number } {
  const adapter = {
    name,
    calls: 0,
    prepare(argv: readonly string[], options: Parameters<SandboxAdapter["prepare"]>[1]) {
      adapter.calls += 1;
      return wrap(argv, options);
    },
  };
  return adapter;
}

/** A fake adapter that runs the command under `env SANDBOXED=<name> ...`, so a test can see it was wrapped. */
export function envWrappingAdapter(name = "FakeSandboxAdapter"): SandboxAdapter & { calls: number } {
  return fakeSandboxAdapter(name, (argv, { cwd, env }) => ({ argv: ["env", `SANDBOXED=${name}`, ...argv], cwd, env }));
}
