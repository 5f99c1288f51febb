import type { ImportReport } from "../../bindings/ImportReport";
import type { ImportDone } from "./ImportButton";

const FORMAT_LABELS: Record<ImportReport["format"], string> = {
  jsonArray: "JSON array",
  ndjson: "NDJSON",
  jsonObjects: "JSON",
  csv: "CSV",
};

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** What an import did: counts, then every rejected row with its line, field and message. */
export function ImportReportPanel({ done, onDismiss }: { done: ImportDone; onDismiss: () => void }) {
  const r = done.report;
  const tone = r.rejected > 0 ? "warning" : "success";
  return (
    <section
      className={`card import-report import-${tone}`}
      aria-label="Import report"
      data-testid="import-report"
    >
      <div className="row">
        <h2>
          Imported {done.fileName} <span className="badge">{FORMAT_LABELS[r.format]}</span>
        </h2>
        <span className="spacer" />
        <button type="button" className="ghost" onClick={onDismiss} aria-label="Dismiss the import report">
          ✕
        </button>
      </div>
      <p className="import-counts" data-testid="import-summary">
        <strong data-testid="import-created">{plural(r.created, "new contact", "new contacts")}</strong>,{" "}
        <strong data-testid="import-updated">{r.updated.toLocaleString()} updated</strong>
        {r.unchanged > 0 && <>, {r.unchanged.toLocaleString()} unchanged</>}
        {r.eventsApplied > 0 && (
          <>, {plural(r.eventsApplied, "conversation event", "conversation events")} applied</>
        )}
        {r.eventsUnchanged > 0 && <>, {r.eventsUnchanged.toLocaleString()} events already known</>}
        {" · "}
        {plural(r.rows, "row", "rows")} read
        {r.duplicates.length > 0 && (
          <>, {plural(r.duplicates.length, "duplicate row", "duplicate rows")} skipped</>
        )}
        {r.rejected > 0 && (
          <>
            ,{" "}
            <strong className="text-danger" data-testid="import-rejected">
              {plural(r.rejected, "row", "rows")} rejected
            </strong>
          </>
        )}
      </p>
      {r.errors.length > 0 && (
        <div className="table-scroll import-issues">
          <table data-testid="import-errors">
            <caption>
              Rejected rows: nothing from them was stored. Fix them and import the file again.
            </caption>
            <thead>
              <tr>
                <th>Line</th>
                <th>Field</th>
                <th>Problem</th>
              </tr>
            </thead>
            <tbody>
              {r.errors.map((e, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a row can have several errors on one field; the list never reorders.
                <tr key={i}>
                  <td className="mono">
                    {e.line}
                    {e.index !== null && <span className="hint"> (item {e.index})</span>}
                  </td>
                  <td className="mono">{e.field ?? "—"}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {r.duplicates.length > 0 && (
        <p className="hint">
          Duplicates (exact repeats of an earlier row):{" "}
          {r.duplicates.map((d) => `line ${d.line} repeats line ${d.firstLine}`).join("; ")}.
        </p>
      )}
      {r.warnings.length > 0 && (
        <details className="import-warnings">
          <summary>{plural(r.warnings.length, "warning", "warnings")}</summary>
          <ul>
            {r.warnings.map((w) => (
              <li key={`${w.line}:${w.field}:${w.message}`}>
                Line {w.line}
                {w.field && (
                  <>
                    , <code>{w.field}</code>
                  </>
                )}
                : {w.message}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
