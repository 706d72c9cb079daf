/**
 * Questions to a person during `skills-runtime run` (`ask_human`, `request_user_input`, context
 * recovery): asked on the terminal, or answered from piped stdin with `--on-ask wait:<seconds>`.
 * Without either the run has no human I/O and stops with `run_waiting_human` (exit 4).
 */
import type { HumanInputRequest, HumanIO } from "../tools/human-io.ts";
import { RuntimeError } from "../util/errors.ts";
import { stdinLines, type StdinLines } from "./stdin-lines.ts";
import type { OnAsk } from "./tty-approvals.ts";

/** The answer a typed line stands for: a choice by number or by its text, else the text itself. */
export function interpretAnswer(line: string, choices: readonly string[] | null): string {
  const text = line.trim();
  if (!choices || choices.length === 0) return text;
  if (/^\d+$/.test(text)) {
    const index = Number(text) - 1;
    if (index >= 0 && index < choices.length) return choices[index]!;
  }
  return choices.find((c) => c.toLowerCase() === text.toLowerCase()) ?? text;
}

export class TerminalHumanIO implements HumanIO {
  constructor(
    private readonly mode: Extract<OnAsk, { kind: "prompt" } | { kind: "wait" }>,
    private readonly err: (t: string) => void,
    private readonly lines: StdinLines = stdinLines(),
  ) {}

  async requestHumanInput(request: HumanInputRequest, options: { signal?: AbortSignal } = {}): Promise<string> {
    const limitMs = this.mode.kind === "wait" ? this.mode.seconds * 1000 : request.timeoutMs && request.timeoutMs > 0 ? request.timeoutMs : null;
    const signals = [options.signal, limitMs === null ? undefined : AbortSignal.timeout(limitMs)].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
    this.err(`\n  ? ${request.question}\n`);
    const choices = request.choices && request.choices.length > 0 ? request.choices : null;
    if (choices) this.err(`${choices.map((c, i) => `    ${i + 1}) ${c}`).join("\n")}\n`);
    this.err(`  answer${limitMs === null ? "" : ` (${Math.round(limitMs / 1000)} s)`}: `);
    const line = await this.lines.next(signal);
    if (line === null) {
      this.err("\n  no answer\n");
      throw new RuntimeError("human_required", `No answer to "${request.question}" (end of input or time limit)`, { details: { question: request.question } });
    }
    return interpretAnswer(line, choices);
  }
}
