/** Mutable state of one run: budgets, counters, usage, history. */
import type { RuntimeConfig } from "../config/schema.ts";
import type { ChatMessage } from "../llm/protocol.ts";
import type { Terminal } from "./terminal.ts";

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

export class RunState {
  turn = 0;
  step = 0;
  stepsUsed = 0;
  maxSteps: number;
  maxWallTimeSec: number | null;
  compactions = 0;
  terminal: Terminal | null = null;
  readonly artifacts: string[] = [];
  readonly notices: Record<string, unknown>[] = [];
  readonly usage: Usage = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
  readonly startedAt = performance.now();
  /** Conversation before the task (resume material, initial history, compaction summary). */
  history: ChatMessage[];
  /** This run's messages after the task. */
  turns: ChatMessage[] = [];

  constructor(readonly config: RuntimeConfig, history: ChatMessage[]) {
    this.maxSteps = config.run.max_steps;
    this.maxWallTimeSec = config.run.max_wall_time_sec;
    this.history = history;
  }

  elapsedSec(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  /** A budget that is already exhausted before the next turn, as a `budget exceeded: ...` message. */
  exhaustedBeforeTurn(): string | null {
    if (this.maxWallTimeSec !== null && this.elapsedSec() >= this.maxWallTimeSec) return `budget exceeded: max_wall_time_sec=${this.maxWallTimeSec}`;
    const maxTurns = this.config.run.max_turns;
    if (maxTurns !== null && this.turn >= maxTurns) return `budget exceeded: max_turns=${maxTurns}`;
    const maxTokens = this.config.run.max_total_tokens;
    if (maxTokens !== null && this.usage.total_tokens >= maxTokens) return `budget exceeded: max_total_tokens=${maxTokens}`;
    return null;
  }

  wallExceeded(): string | null {
    if (this.maxWallTimeSec !== null && this.elapsedSec() >= this.maxWallTimeSec) return `budget exceeded: max_wall_time_sec=${this.maxWallTimeSec}`;
    return null;
  }

  /** Milliseconds left on the wall budget, or null when unlimited. */
  wallRemainingMs(): number | null {
    return this.maxWallTimeSec === null ? null : Math.max(0, this.maxWallTimeSec * 1000 - (performance.now() - this.startedAt));
  }

  addUsage(input: number, output: number, total: number): void {
    this.usage.input_tokens += input;
    this.usage.output_tokens += output;
    this.usage.total_tokens += total;
  }
}
