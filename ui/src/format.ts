// Display formats shared by the screens. Timestamps from the core are RFC 3339 in UTC; people
// read them in their own locale and time zone.

/** A timestamp as date and time in the person's locale, or the raw text if unparsable. */
export function formatDateTime(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  return t.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
