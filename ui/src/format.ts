// Display formats shared by the screens. Timestamps from the core are RFC 3339 in UTC; people
// read them in their own locale and time zone.

/** A timestamp as date and time in the person's locale, or the raw text if unparsable. */
export function formatDateTime(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  return t.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/**
 * A compact timestamp for table cells: the time for today, the day and time this year,
 * else the date. The full form goes in a tooltip.
 */
export function formatShortDateTime(iso: string, now: Date = new Date()): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const time = t.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  if (t.toDateString() === now.toDateString()) return `Today ${time}`;
  if (t.getFullYear() === now.getFullYear())
    return `${t.toLocaleDateString(undefined, { month: "short", day: "numeric" })}, ${time}`;
  return t.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}
