import { useEffect, useState } from "react";
import type { Loadable } from "../../hooks";

/**
 * Loads with `loader` on mount and again whenever `loader` changes (a memoised callback whose
 * dependencies say when to reload); answers to an older loader are dropped.
 */
export function useLoadFrom<T>(loader: () => Promise<T>): Loadable<T> {
  const [result, setResult] = useState<Loadable<T>>({ state: "loading" });
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
  }, [loader]);
  return result;
}
