import { type ChangeEvent, useRef, useState } from "react";
import { ApiError, api } from "../../api";
import type { ImportReport } from "../../bindings/ImportReport";

/**
 * Largest file the window imports. The bytes cross to the core in one IPC message; bigger
 * files go through the command line, which streams from disk (and allows up to 50 MiB).
 */
export const MAX_UI_IMPORT_BYTES = 20 * 1024 * 1024;

const ACCEPT = ".json,.ndjson,.jsonl,.csv,.txt,application/json,text/csv";

export interface ImportDone {
  fileName: string;
  report: ImportReport;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Picks a JSON, NDJSON or CSV file and imports it; the report goes to `onImported`. */
export function ImportButton({
  onImported,
  onFailed,
  primary,
}: {
  onImported: (done: ImportDone) => void;
  onFailed: (error: unknown) => void;
  primary?: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const picked = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    // Clear the input so choosing the same file again (after fixing it) fires a change.
    e.target.value = "";
    if (!file) return;
    if (file.size > MAX_UI_IMPORT_BYTES) {
      onFailed(
        new ApiError({
          code: "INVALID_INPUT",
          message: `${file.name} is ${mib(file.size)}; the window imports files up to ${mib(MAX_UI_IMPORT_BYTES)}. Split it, or import it with the command line: leadbridge contacts import ${file.name}`,
          details: { fields: ["file"] },
        }),
      );
      return;
    }
    setBusy(file.name);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const report = await api.contactsImport(bytes);
      onImported({ fileName: file.name, report });
    } catch (error) {
      onFailed(error);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <input
        ref={input}
        type="file"
        accept={ACCEPT}
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        onChange={picked}
        data-testid="import-file"
      />
      <button
        type="button"
        className={primary ? undefined : "secondary"}
        onClick={() => input.current?.click()}
        disabled={busy !== null}
        data-testid="import-button"
      >
        {busy !== null ? `Importing ${busy}…` : "Import file…"}
      </button>
    </>
  );
}
