import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import type { Delivery } from "../../bindings/Delivery";
import type { SortField } from "../../bindings/SortField";
import { formatDateTime, formatShortDateTime } from "../../format";
import { StatusBadge } from "./cells";
import {
  type Geometry,
  isScrollKey,
  rowWindow,
  scale,
  scrollTopAfterKey,
  scrollTopAfterWheel,
} from "./scaledRows";
import type { DeliveryWindow } from "./useDeliveryWindow";

/** Every row's height, px (CSS keeps rows at exactly this: the scroll mapping relies on it). */
export const ROW_HEIGHT = 44;
/** Rows rendered beyond each edge of the viewport. */
const OVERSCAN = 12;
const COLUMNS = 9;

/** The columns the core can order by, with their header text. */
const SORTABLE: Partial<Record<string, SortField>> = {
  Time: "createdAt",
  Contact: "email",
  Object: "object",
  Status: "status",
};

const HEADERS = ["Time", "Contact", "Object", "Action", "Status", "Error code", "Attempts", "Trigger"];

/** Targets whose own keys (typing, choosing) must not scroll the table. */
function ownsKeys(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName)) &&
    !(target instanceof HTMLInputElement && target.type === "checkbox")
  );
}

/** A wheel delta in px, whatever unit the device reported it in. */
function wheelPixels(e: WheelEvent, viewport: number): number {
  if (e.deltaMode === WheelEvent.DOM_DELTA_LINE) return e.deltaY * ROW_HEIGHT;
  if (e.deltaMode === WheelEvent.DOM_DELTA_PAGE) return e.deltaY * viewport;
  return e.deltaY;
}

/**
 * The log: a virtualised table (only the rows in sight, plus a few, are in the DOM) over a
 * window that fetches pages by offset as they scroll into view. Spacer rows keep the table's
 * semantics and the scrollbar true to the full count; above MAX_BODY_HEIGHT the scrollbar's
 * range is mapped onto the rows' range (scaledRows.ts), and arrows, paging keys and the wheel
 * move rows by rows, not by scaled pixels. Rows are memoised: a scroll step renders only the
 * rows that came into sight.
 */
export function DeliveryTable({
  window: w,
  total,
  sort,
  descending,
  onSort,
  selected,
  openId,
  onToggle,
  onOpen,
}: {
  window: DeliveryWindow;
  total: number;
  sort: SortField;
  descending: boolean;
  onSort: (field: SortField) => void;
  selected: ReadonlySet<number>;
  openId: number | null;
  onToggle: (id: number, failed: boolean) => void;
  onOpen: (id: number) => void;
}) {
  const scrollRef = useRef<HTMLElement>(null);
  const headRef = useRef<HTMLTableSectionElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(0);
  const geometry: Geometry = { rows: total, rowHeight: ROW_HEIGHT, viewport };
  const win = rowWindow(geometry, scrollTop, OVERSCAN);
  // The latest geometry for the native listeners below, without re-attaching them.
  const geometryRef = useRef(geometry);
  geometryRef.current = geometry;

  // The rows' viewport: the container less its sticky header; kept on resize.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setViewport(Math.max(0, el.clientHeight - (headRef.current?.offsetHeight ?? 0)));
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const { start, end } = win;
  const { ensure } = w;
  useEffect(() => {
    if (total > 0 && start >= 0) ensure(start, end);
  }, [ensure, start, end, total]);

  // Render the new rows before the browser paints the new scroll position (a scroll event
  // comes just before a frame), so the rows never lag behind the scrollbar.
  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (el) flushSync(() => setScrollTop(el.scrollTop));
  }, []);

  const scrollTo = useCallback((top: number) => {
    const el = scrollRef.current;
    if (!el) return;
    el.scrollTop = top;
    // Read back: the engine may clamp or round; the rows follow where it actually is.
    flushSync(() => setScrollTop(el.scrollTop));
  }, []);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (!isScrollKey(e.key) || e.altKey || e.ctrlKey || e.metaKey || ownsKeys(e.target)) return;
    e.preventDefault();
    scrollTo(scrollTopAfterKey(geometry, scrollRef.current?.scrollTop ?? 0, e.key));
  };

  // Above the cap one physical pixel is several rows' pixels: the wheel would race through
  // the log. Turn the wheel into a row distance instead (React's wheel listener is passive,
  // so this one is native to be able to prevent the default).
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      const g = geometryRef.current;
      if (e.ctrlKey || e.deltaY === 0 || scale(g) === 1) return;
      e.preventDefault();
      if (e.deltaX !== 0) el.scrollLeft += e.deltaX;
      scrollTo(scrollTopAfterWheel(g, el.scrollTop, wheelPixels(e, g.viewport)));
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => el.removeEventListener("wheel", onWheel);
  }, [scrollTo]);

  const rows: React.ReactNode[] = [];
  for (let index = start; index >= 0 && index <= end; index++) {
    const d = w.row(index);
    rows.push(
      d ? (
        <DeliveryRow
          key={d.id}
          index={index}
          delivery={d}
          isSelected={selected.has(d.id)}
          isOpen={d.id === openId}
          onToggle={onToggle}
          onOpen={onOpen}
        />
      ) : (
        <PendingRow key={`pending-${index}`} index={index} />
      ),
    );
  }

  return (
    <section
      className="dl-scroll"
      ref={scrollRef}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to be scrolled by it.
      tabIndex={0}
      aria-label="Deliveries"
      data-testid="deliveries-scroll"
      // What the rows are drawn for: the scroll measurement waits for these to match.
      data-rendered-scroll-top={scrollTop}
      data-first-visible-row={win.firstVisible}
    >
      <table className="dl-table" aria-rowcount={total + 1}>
        <colgroup>
          <col className="dl-col-check" />
          <col className="dl-col-time" />
          <col className="dl-col-contact" />
          <col className="dl-col-object" />
          <col className="dl-col-action" />
          <col className="dl-col-status" />
          <col className="dl-col-code" />
          <col className="dl-col-attempts" />
          <col className="dl-col-trigger" />
        </colgroup>
        <thead ref={headRef}>
          <tr aria-rowindex={1}>
            <th>
              <span className="visually-hidden">Select</span>
            </th>
            {HEADERS.map((h) => {
              const field = SORTABLE[h];
              if (!field)
                return (
                  <th key={h} className={h === "Attempts" ? "dl-num" : undefined}>
                    {h}
                  </th>
                );
              const active = field === sort;
              return (
                <th key={h} aria-sort={active ? (descending ? "descending" : "ascending") : "none"}>
                  <button
                    type="button"
                    className="dl-sort"
                    onClick={() => onSort(field)}
                    data-testid={`sort-${field}`}
                    title={`Sort by ${h.toLowerCase()}`}
                  >
                    {h}
                    <span aria-hidden="true" className={active ? "dl-sort-arrow active" : "dl-sort-arrow"}>
                      {active ? (descending ? "▼" : "▲") : "↕"}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {win.padTop > 0 && (
            <tr className="spacer-row">
              <td colSpan={COLUMNS} style={{ height: win.padTop }} />
            </tr>
          )}
          {rows}
          {win.padBottom > 0 && (
            <tr className="spacer-row">
              <td colSpan={COLUMNS} style={{ height: win.padBottom }} />
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

/** A row whose page is still loading. */
const PendingRow = memo(function PendingRow({ index }: { index: number }) {
  return (
    <tr className="pending-row" aria-rowindex={index + 2} style={{ height: ROW_HEIGHT }}>
      <td colSpan={COLUMNS}>
        <span className="skeleton" />
      </td>
    </tr>
  );
});

/** One delivery; memoised, so rows already on screen are not re-rendered by a scroll step. */
const DeliveryRow = memo(function DeliveryRow({
  index,
  delivery: d,
  isSelected,
  isOpen,
  onToggle,
  onOpen,
}: {
  index: number;
  delivery: Delivery;
  isSelected: boolean;
  isOpen: boolean;
  onToggle: (id: number, failed: boolean) => void;
  onOpen: (id: number) => void;
}) {
  return (
    <tr
      aria-rowindex={index + 2}
      aria-selected={isSelected}
      className={isOpen ? "open-row" : isSelected ? "selected-row" : undefined}
      style={{ height: ROW_HEIGHT }}
      data-testid="delivery-row"
      data-delivery-id={d.id}
    >
      <td>
        <input
          type="checkbox"
          checked={isSelected}
          onChange={() => onToggle(d.id, d.status === "failed")}
          aria-label={`Select delivery ${d.id} (${d.email})`}
        />
      </td>
      <td className="dl-clip" title={formatDateTime(d.createdAt)}>
        {formatShortDateTime(d.createdAt)}
      </td>
      <td className="dl-contact">
        <button
          type="button"
          className="link"
          onClick={() => onOpen(d.id)}
          title={`Show delivery ${d.id}`}
          data-testid="delivery-open"
        >
          {d.email}
        </button>
        {d.contactName && <span className="muted dl-name">{d.contactName}</span>}
      </td>
      <td>{d.object}</td>
      <td>{d.action}</td>
      <td>
        <StatusBadge status={d.status} />
      </td>
      <td className="dl-clip mono" title={d.error?.message}>
        {d.error?.code ?? <span className="muted">—</span>}
      </td>
      <td className="dl-num">{d.attempts}</td>
      <td>{d.trigger}</td>
    </tr>
  );
});
