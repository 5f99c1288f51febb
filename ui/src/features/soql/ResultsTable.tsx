import { useVirtualizer } from "@tanstack/react-virtual";
import { type KeyboardEvent, type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import { cellText, cellValue, copyText, type Row, toTsvRow } from "./table";

const ROW_HEIGHT = 32;
/** The sticky header row and the borders: the grid is as tall as its rows, up to the CSS max. */
const CHROME_HEIGHT = 40;
/** Load the next page when the view comes this close to the last loaded row. */
const PREFETCH_ROWS = 40;

export interface Cell {
  row: number;
  column: number;
}

/** Widths from the header and a sample of values, so short columns stay narrow. */
function columnWidths(columns: string[], rows: Row[]): number[] {
  const sample = rows.slice(0, 200);
  return columns.map((c) => {
    const longest = sample.reduce((n, r) => Math.max(n, cellText(cellValue(r, c)).length), c.length);
    return Math.round(Math.min(360, Math.max(90, longest * 8.2 + 24)));
  });
}

/**
 * The loaded rows in a virtualised table (only the rows in view are in the DOM; spacer rows
 * keep the scrollbar true). Scrolling near the end loads the next page. A click or the arrow
 * keys pick a cell; Ctrl+C copies it, and the toolbar copies the cell or its row.
 */
export function ResultsTable({
  columns,
  rows,
  canLoadMore,
  loadingMore,
  onLoadMore,
  onStatus,
  summary,
  actions,
}: {
  /** The toolbar's start (what was loaded) and end (Load more, Export). */
  summary: ReactNode;
  actions: ReactNode;
  columns: string[];
  rows: Row[];
  canLoadMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  onStatus: (message: string) => void;
}) {
  const scrollRef = useRef<HTMLElement>(null);
  const [picked, setPicked] = useState<Cell | null>(null);
  const widths = useMemo(() => columnWidths(columns, rows.slice(0, 200)), [columns, rows]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 16,
  });
  const items = virtualizer.getVirtualItems();
  const lastVisible = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    if (canLoadMore && !loadingMore && rows.length > 0 && lastVisible >= rows.length - PREFETCH_ROWS) {
      onLoadMore();
    }
  }, [canLoadMore, loadingMore, lastVisible, rows.length, onLoadMore]);

  const copy = (text: string, what: string) =>
    copyText(text).then(
      () => onStatus(`Copied the ${what}.`),
      (e: unknown) => onStatus(e instanceof Error ? e.message : String(e)),
    );
  const pickedRow = picked ? rows[picked.row] : undefined;
  const pickedColumn = picked ? columns[picked.column] : undefined;
  const copyCell = () => {
    if (pickedRow && pickedColumn !== undefined) copy(cellText(cellValue(pickedRow, pickedColumn)), "cell");
  };
  const copyRow = () => {
    if (pickedRow) copy(toTsvRow(columns, pickedRow), "row");
  };

  const move = (e: KeyboardEvent<HTMLElement>) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "c" && picked) {
      e.preventDefault();
      copyCell();
      return;
    }
    const delta: Record<string, [number, number]> = {
      ArrowDown: [1, 0],
      ArrowUp: [-1, 0],
      ArrowRight: [0, 1],
      ArrowLeft: [0, -1],
    };
    const d = delta[e.key];
    if (!d || rows.length === 0 || columns.length === 0) return;
    e.preventDefault();
    const from = picked ?? { row: 0, column: 0 };
    const next = {
      row: Math.min(rows.length - 1, Math.max(0, from.row + (picked ? d[0] : 0))),
      column: Math.min(columns.length - 1, Math.max(0, from.column + (picked ? d[1] : 0))),
    };
    setPicked(next);
    virtualizer.scrollToIndex(next.row);
  };

  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length > 0 ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;
  const span = columns.length + 1;

  return (
    <div className="soql-results">
      <div className="toolbar">
        {summary}
        <span className="muted soql-picked" aria-live="polite" data-testid="soql-picked">
          {picked && pickedColumn !== undefined
            ? `· row ${picked.row + 1}, ${pickedColumn}`
            : "· click a cell to copy it or its row"}
        </span>
        <span className="spacer" />
        <button
          type="button"
          className="secondary"
          disabled={!picked}
          onClick={copyCell}
          data-testid="copy-cell"
        >
          Copy cell
        </button>
        <button
          type="button"
          className="secondary"
          disabled={!picked}
          onClick={copyRow}
          data-testid="copy-row"
        >
          Copy row
        </button>
        {actions}
      </div>
      <section
        className="soql-results-scroll"
        ref={scrollRef}
        style={{ height: rows.length * ROW_HEIGHT + CHROME_HEIGHT }}
        aria-label="Query results"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable content must be reachable by keyboard (WCAG 2.1.1); its arrow keys move the picked cell.
        tabIndex={0}
        onKeyDown={move}
        data-testid="soql-results"
      >
        <table className="soql-table" aria-rowcount={rows.length + 1}>
          <colgroup>
            <col style={{ width: 64 }} />
            {widths.map((w, i) => (
              <col key={columns[i]} style={{ width: w }} />
            ))}
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              <th className="row-number">#</th>
              {columns.map((c) => (
                <th key={c} title={c} className="mono">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {padTop > 0 && (
              <tr className="spacer-row">
                <td colSpan={span} style={{ height: padTop }} />
              </tr>
            )}
            {items.map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              return (
                <tr
                  key={item.index}
                  aria-rowindex={item.index + 2}
                  style={{ height: ROW_HEIGHT }}
                  data-testid="soql-row"
                >
                  <td className="row-number">{item.index + 1}</td>
                  {columns.map((c, ci) => {
                    const value = cellValue(row, c);
                    const text = cellText(value);
                    const isPicked = picked?.row === item.index && picked.column === ci;
                    return (
                      // biome-ignore lint/a11y/useKeyWithClickEvents: the region's onKeyDown moves the picked cell with the arrow keys.
                      <td
                        key={c}
                        title={text}
                        className={[
                          value === null || value === undefined ? "cell-null" : "",
                          typeof value === "number" ? "cell-number" : "",
                          isPicked ? "cell-picked" : "",
                        ]
                          .filter(Boolean)
                          .join(" ")}
                        onClick={() => setPicked({ row: item.index, column: ci })}
                      >
                        {text}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
            {padBottom > 0 && (
              <tr className="spacer-row">
                <td colSpan={span} style={{ height: padBottom }} />
              </tr>
            )}
          </tbody>
        </table>
      </section>
    </div>
  );
}
