// Reading result rows as a table: a column such as `Owner.Name` is a path into the nested
// record the core returns (the same rules as the CLI's table), and CSV of the loaded rows.
import type { JsonValue } from "../../bindings/serde_json/JsonValue";

export type Row = { [key in string]?: JsonValue };

function field(object: Row, name: string): JsonValue | undefined {
  if (name in object) return object[name];
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : object[key];
}

function isObject(value: JsonValue | undefined): value is { [key in string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value at a column path; an empty lookup on the way gives null. */
export function cellValue(row: Row, column: string): JsonValue | undefined {
  let current: Row = row;
  const parts = column.split(".");
  for (let i = 0; i < parts.length; i++) {
    const value = field(current, parts[i] ?? "");
    if (i === parts.length - 1 || value === null || value === undefined) return value;
    if (!isObject(value)) return undefined;
    current = value;
  }
  return undefined;
}

/** `1 row`, `2,300 rows`. */
export function rowsText(n: number): string {
  return `${n.toLocaleString()} ${n === 1 ? "row" : "rows"}`;
}

/** A cell as text: strings as they are, empty as nothing, a subquery as its row count. */
export function cellText(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (isObject(value) && Array.isArray(value.records)) {
    const n = typeof value.totalSize === "number" ? value.totalSize : value.records.length;
    return `${n} record${n === 1 ? "" : "s"}`;
  }
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * A spreadsheet runs a cell starting with = + - @ tab or CR as a formula; such text gets a
 * leading ' so it is shown, not run (OWASP "CSV injection", as the delivery log's export).
 */
function inert(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV: a header of the columns, then one line per row, CRLF line ends. */
export function toCsv(columns: string[], rows: Row[]): string {
  const lines = [columns.map((c) => csvField(inert(c))).join(",")];
  for (const row of rows) {
    lines.push(columns.map((c) => csvField(inert(cellText(cellValue(row, c))))).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** One row as tab-separated values: pastes into a spreadsheet as one row. */
export function toTsvRow(columns: string[], row: Row): string {
  return columns.map((c) => cellText(cellValue(row, c)).replace(/[\t\r\n]+/g, " ")).join("\t");
}

/** Saves text as a file through a Blob link (the webview's own download, no plugin). */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has handed the Blob to the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Copies text; falls back to a hidden textarea where the clipboard API is refused. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    if (!copied) throw new Error("the clipboard is not available here; select the text and press Ctrl+C");
  }
}
