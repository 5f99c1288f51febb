// The six screens of the app, in navigation order. The hash (`#/mapping`) selects one, so a
// screen can be linked to and survives a reload.
export type ScreenId = "connect" | "mapping" | "routing" | "contacts" | "soql" | "deliveries";

export interface ScreenMeta {
  id: ScreenId;
  title: string;
  /** One line under the title saying what the screen is for. */
  summary: string;
}

export const SCREENS: readonly ScreenMeta[] = [
  { id: "connect", title: "Connect", summary: "Salesforce org profiles, login and API usage" },
  { id: "mapping", title: "Mapping", summary: "Chat fields to Lead, Contact and Account fields" },
  { id: "routing", title: "Routing", summary: "Lead owner priority, user mapping and segment rules" },
  { id: "contacts", title: "Contacts", summary: "Captured contacts: preview and push to Salesforce" },
  { id: "soql", title: "SOQL", summary: "A read-only query console and the app's own queries" },
  {
    id: "deliveries",
    title: "Deliveries",
    summary: "Every delivery and attempt; inspect and retry failures",
  },
];

export function screenFromHash(hash: string): ScreenId {
  // `#/contacts?contact=...`: parameters after the screen id belong to the screen.
  const id = hash.replace(/^#\/?/, "").split("?")[0];
  return SCREENS.find((s) => s.id === id)?.id ?? "connect";
}
