import { useCallback, useEffect, useRef, useState } from "react";

export type Loadable<T> =
  | { state: "loading" }
  | { state: "ready"; value: T }
  | { state: "failed"; error: unknown };

/** Runs an async loader on mount (and on `reload`), tracking loading, value and error. */
export function useLoad<T>(loader: () => Promise<T>): [Loadable<T>, () => void] {
  const [result, setResult] = useState<Loadable<T>>({ state: "loading" });
  const [generation, setGeneration] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` is the reload trigger; loaders are stable module functions.
  useEffect(() => {
    let live = true;
    setResult({ state: "loading" });
    loader().then(
      (value) => live && setResult({ state: "ready", value }),
      (error: unknown) => live && setResult({ state: "failed", error }),
    );
    return () => {
      live = false;
    };
  }, [generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return [result, reload];
}

/**
 * While a reload is in flight, the last loaded value (or error) instead of "loading": the
 * screen keeps its content and layout, and forms on it keep what the person typed.
 */
export function useKeepLast<T>(current: Loadable<T>): Loadable<T> {
  const last = useRef<Loadable<T>>(current);
  if (current.state !== "loading") last.current = current;
  return current.state === "loading" ? last.current : current;
}
