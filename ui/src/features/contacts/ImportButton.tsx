import { type ChangeEvent, type ReactNode, useRef, useState } from "react";
import { ApiError, api } from "../../api";
import type { ImportReport } from "../../bindings/ImportReport";

/**
 * Largest file the window imports. The bytes cross to the core in one IPC message; bigger
 * files go through the command line, which reads from disk (and allows up to 50 MiB).
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

export interface FileImport {
  /** The hidden file input; render it once. */
  input: ReactNode;
  /** Opens the file chooser. */
  pick: () => void;
  /** The file being imported, if any. */
  busy: string | null;
}

/**
 * Importing a JSON, NDJSON or CSV file chosen with the system file chooser: the file is read
 * in the webview and its bytes go to the core as they are (the core tells the formats apart).
 */
export function useFileImport({
  onImported,
  onFailed,
}: {
  onImported: (done: ImportDone) => void;
  onFailed: (error: unknown) => void;
}): FileImport {
  const ref = useRef<HTMLInputElement>(null);
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

  const input = (
    <input
      ref={ref}
      type="file"
      accept={ACCEPT}
      className="visually-hidden"
      tabIndex={-1}
      aria-hidden="true"
      onChange={picked}
      data-testid="import-file"
    />
  );
  return { input, pick: () => ref.current?.click(), busy };
}

/** A button that opens the file chooser of a `useFileImport`. */
export function ImportButton({ importer, primary }: { importer: FileImport; primary?: boolean }) {
  return (
    <button
      type="button"
      className={primary ? undefined : "secondary"}
      onClick={importer.pick}
      disabled={importer.busy !== null}
      data-testid="import-button"
    >
      {importer.busy !== null ? `Importing ${importer.busy}…` : "Import file…"}
    </button>
  );
}
