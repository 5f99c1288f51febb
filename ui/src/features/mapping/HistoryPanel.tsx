import { useEffect, useState } from "react";
import { api } from "../../api";
import type { Change } from "../../bindings/Change";
import type { VersionSummary } from "../../bindings/VersionSummary";
import { Dialog } from "../../components/Dialog";
import { ErrorBanner } from "../../components/ErrorBanner";
import { type Loadable, useLoad } from "../../hooks";
import { describeChange } from "./model";

/** "22 Nov 2026, 04:10" in the person's locale and time zone. */
export function formatWhen(rfc3339: string): string {
  const date = new Date(rfc3339);
  return Number.isNaN(date.getTime())
    ? rfc3339
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/**
 * The saved versions, newest first, with what changed between a chosen one and the one in
 * force, and Revert (which saves the chosen version's document as a new version).
 */
export function HistoryPanel({
  current,
  dirty,
  onReverted,
}: {
  /** The version in force. */
  current: number;
  dirty: boolean;
  onReverted: (version: number) => void;
}) {
  const [history] = useLoad(api.mappingHistory);
  const [chosen, setChosen] = useState<number | null>(null);
  const [diff, setDiff] = useState<Loadable<Change[]> | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [reverting, setReverting] = useState(false);
  const [revertError, setRevertError] = useState<unknown>(null);

  useEffect(() => {
    if (chosen === null) return;
    let live = true;
    setDiff({ state: "loading" });
    api.mappingDiff(chosen, current).then(
      (value) => live && setDiff({ state: "ready", value }),
      (error: unknown) => live && setDiff({ state: "failed", error }),
    );
    return () => {
      live = false;
    };
  }, [chosen, current]);

  const revert = async () => {
    if (chosen === null) return;
    setReverting(true);
    setRevertError(null);
    try {
      const saved = await api.mappingRevert(chosen);
      setConfirming(false);
      onReverted(saved.version);
    } catch (e) {
      setRevertError(e);
    } finally {
      setReverting(false);
    }
  };

  if (history.state === "loading") return <p className="muted">Loading the history…</p>;
  if (history.state === "failed") return <ErrorBanner error={history.error} />;
  const versions: VersionSummary[] = history.value;

  return (
    <div className="history" data-testid="history">
      <section className="card" aria-labelledby="versions-title">
        <h2 id="versions-title">Versions</h2>
        {versions.length === 0 && (
          <p className="muted" data-testid="no-versions">
            Nothing saved yet: the built-in default mapping (seed 000's Field Mapping Reference) is in force.
            Every Save adds a version here.
          </p>
        )}
        <table className="versions">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Saved</th>
              <th scope="col">Note</th>
              <th scope="col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr
                key={v.version}
                className={v.version === chosen ? "selected" : undefined}
                data-testid={`version-${v.version}`}
              >
                <td>
                  v{v.version}{" "}
                  {v.version === current && <span className="badge badge-success">in force</span>}
                </td>
                <td>{formatWhen(v.savedAt)}</td>
                <td>
                  {v.note ?? <span className="muted">—</span>}
                  {v.revertedFrom !== null && <span className="hint"> (copy of v{v.revertedFrom})</span>}
                </td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    disabled={v.version === current}
                    onClick={() => setChosen(v.version)}
                    data-testid={`compare-${v.version}`}
                  >
                    Compare
                  </button>
                </td>
              </tr>
            ))}
            <tr className={chosen === 0 ? "selected" : undefined} data-testid="version-0">
              <td>v0 {current === 0 && <span className="badge badge-success">in force</span>}</td>
              <td className="muted">built in</td>
              <td className="muted">The default mapping</td>
              <td>
                <button
                  type="button"
                  className="secondary"
                  disabled={current === 0}
                  onClick={() => setChosen(0)}
                  data-testid="compare-0"
                >
                  Compare
                </button>
              </td>
            </tr>
          </tbody>
        </table>
      </section>
      <section className="card" aria-labelledby="diff-title" data-testid="diff">
        <h2 id="diff-title">
          {chosen === null ? "Changes" : `Changes from v${chosen} to the version in force (v${current})`}
        </h2>
        {chosen === null && <p className="muted">Choose Compare on a version to see what changed since.</p>}
        {diff?.state === "loading" && <p className="muted">Comparing…</p>}
        {diff?.state === "failed" && <ErrorBanner error={diff.error} />}
        {diff?.state === "ready" &&
          (diff.value.length === 0 ? (
            <p className="muted">No differences.</p>
          ) : (
            <ul className="changes" data-testid="diff-lines">
              {diff.value.map((c) => (
                <li key={describeChange(c)} className={`change change-${c.kind}`}>
                  {describeChange(c)}
                </li>
              ))}
            </ul>
          ))}
        {chosen !== null && (
          <div className="toolbar">
            <span className="spacer" />
            <button type="button" className="danger" onClick={() => setConfirming(true)} data-testid="revert">
              Revert to v{chosen}…
            </button>
          </div>
        )}
      </section>
      {confirming && chosen !== null && (
        <Dialog
          title={`Revert to version ${chosen}?`}
          onClose={() => setConfirming(false)}
          actions={
            <>
              <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                Cancel
              </button>
              <button
                type="button"
                className="danger"
                onClick={revert}
                disabled={reverting}
                data-testid="confirm-revert"
              >
                {reverting ? "Reverting…" : `Revert to v${chosen}`}
              </button>
            </>
          }
        >
          <p>
            Version {chosen}'s mapping is saved again as a new version and is in force from then on. Nothing
            is deleted: version {current} stays in the history.
          </p>
          {dirty && <p className="field-error">Your unsaved changes will be discarded.</p>}
          {revertError !== null && <ErrorBanner error={revertError} />}
        </Dialog>
      )}
    </div>
  );
}
