/** Small hooks the views share: loading data for the current props, and running a user action. */
import { useEffect, useState } from "hono/jsx/dom";

/** `load()` again whenever `deps` change; answers of an older load are dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): { data: T | null; error: string | null } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && (setData(() => value), setError(null)),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, deps);
  return { data, error };
}

/** A button's action: `busy` while it runs, its failure message in `error`. */
export function useAction(): { busy: boolean; error: string | null; run: (action: () => Promise<unknown>) => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    action()
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  };
  return { busy, error, run };
}
