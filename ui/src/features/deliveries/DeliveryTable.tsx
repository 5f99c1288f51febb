import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import type { SortField } from "../../bindings/SortField";
import { formatDateTime, formatShortDateTime } from "../../format";
import { StatusBadge } from "./cells";
import type { DeliveryWindow } from "./useDeliveryWindow";

const ROW_HEIGHT = 44;
const COLUMNS = 9;

/** The columns the core can order by, with their header text. */
const SORTABLE: Partial<Record<string, SortField>> = {
  Time: "createdAt",
  Contact: "email",
  Object: "object",
  Status: "status",
};

const HEADERS = ["Time", "Contact", "Object", "Action", "Status", "Error code", "Attempts", "Trigger"];

/**
 * The log: a virtualised table (only the rows on screen are in the DOM) over a window that
 * fetches pages by offset as they scroll into view. Spacer rows keep the scrollbar true to the
 * full count while the table keeps real table semantics.
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
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { ensure } = w;
  useEffect(() => {
    if (total > 0) ensure(first, last);
  }, [ensure, first, last, total]);

  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length > 0 ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;

  return (
    <div className="dl-scroll" ref={scrollRef} data-testid="deliveries-scroll">
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
        <thead>
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
          {padTop > 0 && (
            <tr className="spacer-row">
              <td colSpan={COLUMNS} style={{ height: padTop }} />
            </tr>
          )}
          {items.map((item) => {
            const d = w.row(item.index);
            if (!d) {
              return (
                <tr key={`pending-${item.index}`} className="pending-row" style={{ height: ROW_HEIGHT }}>
                  <td colSpan={COLUMNS}>
                    <span className="skeleton" />
                  </td>
                </tr>
              );
            }
            const isSelected = selected.has(d.id);
            return (
              <tr
                key={d.id}
                aria-rowindex={item.index + 2}
                aria-selected={isSelected}
                className={d.id === openId ? "open-row" : isSelected ? "selected-row" : undefined}
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
          })}
          {padBottom > 0 && (
            <tr className="spacer-row">
              <td colSpan={COLUMNS} style={{ height: padBottom }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
