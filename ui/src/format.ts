// Display formats shared by the screens. Timestamps from the core are RFC 3339 in UTC; people
// read them in their own locale and time zone.

/** A timestamp as date and time in the person's locale, or the raw text if unparsable. */
export function formatDateTime(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  return t.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/**
 * A compact timestamp for table cells: the time for today, the day this year, else the
 * date with its year. The full form belongs in a tooltip.
 */
export function formatShortDateTime(iso: string, now: Date = new Date()): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  if (t.toDateString() === now.toDateString())
    return t.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  if (t.getFullYear() === now.getFullYear())
    return t.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  return t.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

const COUNT = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** A count with its noun, digits grouped in the person's locale: "1,000,000 deliveries". */
export function formatCount(n: number, one: string, many: string): string {
  return `${COUNT.format(n)} ${n === 1 ? one : many}`;
}
