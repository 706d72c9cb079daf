/**
 * `useRun(runId)`: the live model of one run for the views. It follows the run's SSE stream from
 * the start of its WAL (a finished run replays its whole timeline, a live one continues live),
 * reconnects with Last-Event-ID, and re-renders at most every ~30 ms however fast events arrive.
 * `follow()` picks the stream up again after the run was resumed (an answer to a question, a
 * resume); `replay()` plays the WAL back step by step.
 *
 * Events already in the WAL when the run is opened are "catch-up": `onEvent` gets `live = false`
 * for them (opening an old run must not pop dialogs for approvals long decided), and
 * `onCaughtUp` fires once the model holds them all (then a run still waiting shows its modal).
 */
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { api } from "./api.ts";
import { applyEvent, newRunModel, type RunModel } from "./run-model.ts";
import { followRun, type StreamState } from "./sse.ts";

export interface RunHandle {
  model: RunModel | null;
  stream: StreamState | null;
  replaying: boolean;
  /** Follow the stream again from the last event seen (after a resume). */
  follow: () => void;
  /** Play the run's WAL back from the start, `delayMs` between events. */
  replay: (delayMs?: number) => void;
  stopReplay: () => void;
}

export interface RunCallbacks {
  onEvent?: (model: RunModel, type: string, live: boolean) => void;
  onCaughtUp?: (model: RunModel) => void;
}

export function useRun(runId: string | null, callbacks: RunCallbacks = {}): RunHandle {
  const modelRef = useRef<RunModel | null>(null);
  const controllerRef = useRef<AbortController | null>(null);
  const timerRef = useRef<ReturnType<typeof setTimeout> | null>(null);
  const callbacksRef = useRef(callbacks);
  callbacksRef.current = callbacks;
  /** seq of the last event in the WAL when the run was opened. */
  const catchUpRef = useRef(-1);
  const [, setVersion] = useState(0);
  const [stream, setStream] = useState<StreamState | null>(null);
  const [replaying, setReplaying] = useState(false);

  const render = () => {
    if (timerRef.current !== null) return;
    timerRef.current = setTimeout(() => {
      timerRef.current = null;
      setVersion((v) => v + 1);
    }, 30);
  };

  const start = (model: RunModel) => {
    controllerRef.current?.abort();
    const controller = new AbortController();
    controllerRef.current = controller;
    void followRun(model.runId, {
      after: model.lastSeq,
      signal: controller.signal,
      onEvent: (event) => {
        if (modelRef.current !== model) return;
        if (applyEvent(model, event)) {
          const live = event.seq > catchUpRef.current;
          callbacksRef.current.onEvent?.(model, event.type, live);
          if (!live && event.seq === catchUpRef.current) callbacksRef.current.onCaughtUp?.(model);
          render();
        }
      },
      onState: (state) => {
        if (modelRef.current === model && !controller.signal.aborted) setStream(state);
      },
    });
  };

  useEffect(() => {
    if (!runId) {
      modelRef.current = null;
      setStream(null);
      setVersion((v) => v + 1);
      return;
    }
    const model = newRunModel(runId);
    modelRef.current = model;
    setReplaying(false);
    setVersion((v) => v + 1);
    catchUpRef.current = -1;
    let cancelled = false;
    api
      .getRun(runId)
      .then((run) => {
        catchUpRef.current = run.last_seq;
        model.forkedFrom = run.forked_from ? { runId: run.forked_from.run_id, seq: run.forked_from.seq } : null;
      })
      .catch(() => undefined)
      .finally(() => {
        if (!cancelled && modelRef.current === model) start(model);
      });
    return () => {
      cancelled = true;
      controllerRef.current?.abort();
      if (timerRef.current !== null) clearTimeout(timerRef.current);
      timerRef.current = null;
    };
  }, [runId]);

  const replay = (delayMs = 120) => {
    const current = modelRef.current;
    if (!current) return;
    controllerRef.current?.abort();
    const controller = new AbortController();
    controllerRef.current = controller;
    const model = newRunModel(current.runId);
    modelRef.current = model;
    setReplaying(true);
    setStream(null);
    setVersion((v) => v + 1);
    void (async () => {
      try {
        let after = -1;
        for (;;) {
          const page = await api.eventsPage(model.runId, after, 500);
          for (const event of page.events) {
            if (controller.signal.aborted) return;
            applyEvent(model, event);
            render();
            const visible = event.type !== "llm_response_delta";
            if (visible) await new Promise((resolve) => setTimeout(resolve, delayMs));
          }
          if (page.events.length === 0 || page.next_after === after) break;
          after = page.next_after;
        }
      } finally {
        if (modelRef.current === model) {
          setReplaying(false);
          // Whatever happened after the replayed part (a live run) is followed again.
          if (!controller.signal.aborted) start(model);
        }
      }
    })();
  };

  return {
    model: modelRef.current,
    stream,
    replaying,
    follow: () => {
      if (modelRef.current) start(modelRef.current);
    },
    replay,
    stopReplay: () => {
      const model = modelRef.current;
      if (!model) return;
      setReplaying(false);
      start(model);
    },
  };
}
