/**
 * skills-runtime as a library: `import { loadConfig } from "skills-runtime"`.
 * The binary (src/main.ts) and the library share these modules.
 */
export { VERSION } from "./version.ts";
export { loadConfig, type LoadConfigOptions, type LoadedConfig, type SessionSettings } from "./config/load.ts";
export { RuntimeConfig } from "./config/schema.ts";
export { buildDoctorReport, type DoctorReport } from "./core/doctor.ts";
export { ConfigError, RuntimeError, type ErrorKind } from "./util/errors.ts";
export { Agent, newRunId, type AgentOptions, type RunOptions, type RunResult, type RunStatus } from "./core/agent.ts";
export type { HumanIO } from "./core/run-context.ts";
export { ToolRegistry, okResult, errorResult, type ToolDefinition, type ToolContext } from "./tools/registry.ts";
export { FakeChatBackend, type FakeCall } from "./llm/fake-backend.ts";
export { OpenAIChatBackend } from "./llm/openai-backend.ts";
export type { ChatBackend, ChatStreamEvent, ChatRequest } from "./llm/protocol.ts";
export { InMemoryWal } from "./wal/memory.ts";
export { JsonlWal } from "./wal/append.ts";
export type { WalBackend } from "./wal/backend.ts";
export { forkRun } from "./wal/fork.ts";
export { computeRunMetricsSummary } from "./wal/metrics.ts";
export type { AgentEvent } from "./events/schema.ts";
export { CallbackApprovalProvider, RuleBasedApprovalProvider, type ApprovalProvider } from "./safety/approvals.ts";
export { SkillsManager, type SkillsManagerOptions } from "./skills/skills-manager.ts";
export { extractMentions, parseStrictMention, type SkillMention } from "./skills/mentions.ts";
export { SkillError, type SkillIssue } from "./skills/issues.ts";
export type { Skill, SkillSource, SourceFactory, InMemoryRegistry } from "./skills/source.ts";
export { scanReportToJson, type ScanReport, type ScanReportJson } from "./skills/scan.ts";
export { InProcessExecSessions } from "./tools/pty-sessions.ts";
export type { ExecSessions } from "./tools/exec-sessions.ts";
export { CollabService, type ChildRunner, type ChildRunContext } from "./tools/collab-service.ts";
export type { CollabManager, ChildSnapshot, ChildStatus } from "./tools/collab.ts";
export { RuntimeClient } from "./runtime/client.ts";
export { PersistentExecSessions } from "./runtime/persistent-exec.ts";
export { PersistentCollab } from "./runtime/persistent-collab.ts";
