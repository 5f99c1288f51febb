// Parameters after a screen's hash (`#/contacts?contact=a%40b.example`): a screen can be
// opened on one item by a link, and the item survives a reload.
import { useEffect, useState } from "react";

/** The value of `name` in the hash's query part, or null. */
export function hashParam(name: string, hash: string = window.location.hash): string | null {
  const q = hash.indexOf("?");
  if (q < 0) return null;
  return new URLSearchParams(hash.slice(q + 1)).get(name);
}

/** `#/screen?name=value&...`, values encoded. */
export function screenHref(screen: string, params: Record<string, string | number> = {}): string {
  const query = new URLSearchParams(
    Object.entries(params).map(([k, v]) => [k, String(v)] as [string, string]),
  ).toString();
  return query ? `#/${screen}?${query}` : `#/${screen}`;
}

/** `hashParam(name)`, following hash changes. */
export function useHashParam(name: string): string | null {
  const [value, setValue] = useState(() => hashParam(name));
  useEffect(() => {
    const onHash = () => setValue(hashParam(name));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, [name]);
  return value;
}
