/**
 * Approvals for `skills-runtime run`: a prompt on the terminal, or a fixed answer for scripts
 * (`--on-ask deny|fail|wait:<seconds>`), so a non-interactive run never hangs.
 */
import type { ApprovalDecision } from "../events/payloads/tool.ts";
import type { ApprovalProvider, ApprovalRequest } from "../safety/approvals.ts";
import { UsageError } from "../util/errors.ts";
import { stdinLines, type StdinLines } from "./stdin-lines.ts";

export type OnAsk = { kind: "deny" } | { kind: "fail" } | { kind: "wait"; seconds: number } | { kind: "prompt" };

export function parseOnAsk(value: string | undefined, isTTY: boolean): OnAsk {
  if (value === undefined) return isTTY ? { kind: "prompt" } : { kind: "deny" };
  if (value === "deny" || value === "fail") return { kind: value };
  const m = /^wait:(\d+)$/.exec(value);
  if (m) return { kind: "wait", seconds: Number(m[1]) };
  throw new UsageError(`Flag --on-ask of skills-runtime run: expected deny, fail or wait:<seconds>, got "${value}".`);
}

const ANSWERS: Record<string, ApprovalDecision> = { y: "approved", s: "approved_for_session", n: "denied", a: "abort" };

export class TerminalApprovalProvider implements ApprovalProvider {
  constructor(
    private readonly mode: OnAsk,
    private readonly err: (t: string) => void,
    private readonly lines: StdinLines = stdinLines(),
  ) {}

  async requestApproval(request: ApprovalRequest, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ApprovalDecision> {
    if (this.mode.kind === "deny") {
      this.err(`  denied automatically (--on-ask deny): ${request.summary}\n`);
      return "denied";
    }
    const waitMs = this.mode.kind === "wait" ? this.mode.seconds * 1000 : (options.timeoutMs ?? 60000);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), waitMs);
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    try {
      for (;;) {
        this.err(`  Allow ${request.tool}? [y] once  [s] for this session  [n] deny  [a] abort run (${Math.round(waitMs / 1000)} s): `);
        const line = await this.lines.next(signal);
        if (line === null) {
          this.err("\n  no answer: denied\n");
          return "denied";
        }
        const decision = ANSWERS[line.trim().toLowerCase().slice(0, 1)];
        if (decision) return decision;
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
