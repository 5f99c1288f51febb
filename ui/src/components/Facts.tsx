import type { ReactNode } from "react";

/**
 * One "label : value" row of a `dl.facts`: a `div.fact` holding the `dt` and the `dd`. The
 * wrapper keeps label and value together for screen readers and React keys; `.drawer-facts`
 * lays it out with `display: contents`, so both cells sit in the list's grid.
 */
export function FactRow({ label, mono, children }: { label: string; mono?: boolean; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd className={mono ? "mono" : undefined}>{children}</dd>
    </div>
  );
}

/** Label/value rows; empty values are left out (or `emptyText` when all are). */
export function Facts({
  rows,
  mono,
  emptyText,
}: {
  rows: [string, ReactNode][];
  mono?: boolean;
  emptyText?: string;
}) {
  const shown = rows.filter(([, v]) => v !== null && v !== undefined && v !== "");
  if (shown.length === 0) return <p className="muted">{emptyText ?? "Nothing recorded."}</p>;
  return (
    <dl className="facts drawer-facts">
      {shown.map(([label, value]) => (
        <FactRow key={label} label={label} mono={mono}>
          {value}
        </FactRow>
      ))}
    </dl>
  );
}
