/**
 * How a run asks a person something (spec 4.1 `HumanIOProvider`): `ask_human`,
 * `request_user_input`, context recovery and skill env vars all go through it. The terminal of
 * `run`, the Studio and library callers each provide one.
 */
export interface HumanInputRequest {
  callId: string;
  question: string;
  choices: string[] | null;
  context: Record<string, unknown>;
  /** null or 0: wait without a limit (the caller's AbortSignal still stops the wait). */
  timeoutMs: number | null;
}

export interface HumanIO {
  requestHumanInput(request: HumanInputRequest, options?: { signal?: AbortSignal }): Promise<string>;
}
