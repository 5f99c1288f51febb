import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import { formatDateTime, formatShortDateTime } from "../../format";
import { ConversationBadge, DeliveryBadge, displayName } from "./cells";
import { isSelected, type Selection, selectedCount } from "./selection";
import { Score } from "./stars";
import type { ContactWindow } from "./useContactWindow";

const ROW_HEIGHT = 44;
const COLUMNS = 9;

/**
 * The inbox: a virtualised table (only the rows on screen are in the DOM) over a window that
 * fetches pages as they scroll into view. Spacer rows above and below keep the scrollbar true
 * to the full count while the table keeps real table semantics.
 */
export function InboxTable({
  window: w,
  total,
  selection,
  openEmailKey,
  onToggle,
  onToggleAll,
  onOpen,
}: {
  window: ContactWindow;
  total: number;
  selection: Selection;
  openEmailKey: string | null;
  onToggle: (emailKey: string) => void;
  onToggleAll: () => void;
  onOpen: (email: string, emailKey: string) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const headerBox = useRef<HTMLInputElement>(null);
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

  const count = selectedCount(selection, total);
  const allChecked = count > 0 && count === total;
  useEffect(() => {
    if (headerBox.current) headerBox.current.indeterminate = count > 0 && !allChecked;
  }, [count, allChecked]);

  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length > 0 ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;

  return (
    <div className="inbox-scroll" ref={scrollRef} data-testid="inbox">
      <table className="inbox-table" aria-rowcount={total + 1}>
        <colgroup>
          <col className="col-check" />
          <col className="col-email" />
          <col className="col-name" />
          <col className="col-company" />
          <col className="col-score" />
          <col className="col-intent" />
          <col className="col-status" />
          <col className="col-received" />
          <col className="col-delivery" />
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <th>
              <input
                ref={headerBox}
                type="checkbox"
                checked={allChecked}
                onChange={onToggleAll}
                aria-label={allChecked ? "Clear the selection" : `Select all ${total} matching contacts`}
                data-testid="select-all"
              />
            </th>
            <th>Email</th>
            <th>Name</th>
            <th>Company</th>
            <th>Score</th>
            <th>Intent</th>
            <th>Conversation</th>
            <th>Received</th>
            <th>Delivery</th>
          </tr>
        </thead>
        <tbody>
          {padTop > 0 && (
            <tr className="spacer-row">
              <td colSpan={COLUMNS} style={{ height: padTop }} />
            </tr>
          )}
          {items.map((item) => {
            const c = w.row(item.index);
            if (!c) {
              return (
                <tr key={`pending-${item.index}`} className="pending-row" style={{ height: ROW_HEIGHT }}>
                  <td colSpan={COLUMNS}>
                    <span className="skeleton" />
                  </td>
                </tr>
              );
            }
            const selected = isSelected(selection, c.emailKey);
            const name = displayName(c);
            return (
              <tr
                key={c.emailKey}
                aria-rowindex={item.index + 2}
                aria-selected={selected}
                className={c.emailKey === openEmailKey ? "open-row" : selected ? "selected-row" : undefined}
                style={{ height: ROW_HEIGHT }}
                data-testid="inbox-row"
              >
                <td>
                  <input
                    type="checkbox"
                    checked={selected}
                    onChange={() => onToggle(c.emailKey)}
                    aria-label={`Select ${c.email}`}
                  />
                </td>
                <td className="cell-email">
                  <button
                    type="button"
                    className="link"
                    onClick={() => onOpen(c.email, c.emailKey)}
                    title={`Show ${c.email}`}
                    data-testid="inbox-email"
                  >
                    {c.email}
                  </button>
                </td>
                <td className="cell-clip" title={name ?? undefined}>
                  {name ?? <span className="muted">—</span>}
                </td>
                <td className="cell-clip" title={c.company ?? undefined}>
                  {c.company ?? <span className="muted">—</span>}
                </td>
                <td>
                  <Score score={c.qualificationScore} />
                </td>
                <td className="cell-clip" title={c.intent ?? undefined}>
                  {c.intent ?? <span className="muted">—</span>}
                </td>
                <td>
                  <ConversationBadge status={c.conversationStatus} />
                </td>
                <td className="cell-clip" title={formatDateTime(c.receivedAt)}>
                  {formatShortDateTime(c.receivedAt)}
                </td>
                <td>
                  <DeliveryBadge contact={c} />
                </td>
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
