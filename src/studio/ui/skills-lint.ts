/**
 * Live lint of SKILL.md text: `text` is sent to the server's validate endpoint once it has not
 * changed for `delayMs`; answers to older texts are dropped. `current` says the result belongs to
 * the text shown now (a stale result must not enable or block anything).
 */
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { api, type Validation } from "./api.ts";

export interface LiveLint {
  result: Validation | null;
  /** The text `result` (or `error`) is about. */
  text: string | null;
  pending: boolean;
  error: string | null;
}

export const LINT_DELAY_MS = 300;

export function useLiveLint(text: string | null, delayMs = LINT_DELAY_MS): LiveLint & { current: boolean } {
  const [state, setState] = useState<LiveLint>({ result: null, text: null, pending: false, error: null });
  const latest = useRef(0);
  useEffect(() => {
    const mine = ++latest.current;
    if (text === null) {
      setState({ result: null, text: null, pending: false, error: null });
      return;
    }
    setState((s: LiveLint) => ({ ...s, pending: true }));
    const timer = setTimeout(() => {
      api.validateSkill(text).then(
        (result) => {
          if (mine === latest.current) setState({ result, text, pending: false, error: null });
        },
        (error: Error) => {
          if (mine === latest.current) setState({ result: null, text, pending: false, error: error.message });
        },
      );
    }, delayMs);
    return () => clearTimeout(timer);
  }, [text]);
  return { ...state, current: text !== null && state.text === text && !state.pending };
}
