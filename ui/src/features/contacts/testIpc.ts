/**
 * Test helpers shared by the Contacts screen's tests: a contact record, and the IPC mock of an
 * inbox with the push commands behind it, so every test talks to the same stand-in for the core.
 */
import { mockIPC } from "@tauri-apps/api/mocks";
import type { Contact } from "../../bindings/Contact";
import type { ContactQuery } from "../../bindings/ContactQuery";
import type { OrgStatus } from "../../bindings/OrgStatus";
import { giveScrollHeight } from "../../testLayout";

export type Call = { cmd: string; payload: unknown };
export type Handler = (payload: unknown) => unknown;

/** Contact number `i` as contacts_list returns it, with `overrides` on top. */
export function contact(i: number, overrides: Partial<Contact> = {}): Contact {
  const email = `person${i}@example.com`;
  return {
    id: i,
    email,
    emailKey: email,
    firstName: "Person",
    lastName: String(i),
    phone: null,
    company: `Company ${i}`,
    website: null,
    domain: null,
    country: null,
    qualificationScore: 50,
    intent: "pricing",
    source: "website_widget",
    conversationUrl: null,
    workspaceId: null,
    conversationId: null,
    metadata: {},
    agents: { meetingScheduledWith: null, lastRouted: null, closedBy: null },
    conversationStatus: "open",
    closedAt: null,
    receivedAt: "2026-04-05T14:30:00.000Z",
    updatedAt: "2026-04-05T14:30:00.000Z",
    qualifiedAt: "2026-04-05T14:30:00.000Z",
    conversations: [],
    events: [],
    salesforceLeadId: null,
    salesforceContactId: null,
    salesforceAccountId: null,
    salesforceOpportunityId: null,
    salesforceOpportunityStage: null,
    salesforceOpportunityAmount: null,
    salesforceOpportunityCloseDate: null,
    salesforceOpportunityModifiedAt: null,
    lastDeliveryStatus: null,
    lastDeliveryId: null,
    lastDeliveredAt: null,
    ...overrides,
  };
}

/** org_status's answer: the demo profile, connected or not. */
export function orgStatus(connected: boolean): OrgStatus {
  return {
    connected,
    profile: "demo",
    loginUrl: null,
    instanceUrl: null,
    username: null,
    orgId: null,
    apiVersion: null,
  };
}

/**
 * An inbox of `all` contacts behind contacts_list (honouring limit and offset like the core),
 * connected with no push running unless `handlers` answers org_status or sync_status itself.
 * Any other command needs a handler in `handlers`; an unexpected one fails the test.
 */
export function mockInbox(all: Contact[], handlers: Record<string, Handler> = {}) {
  const calls: Call[] = [];
  const defaults: Record<string, Handler> = {
    org_status: () => orgStatus(true),
    sync_status: () => null,
  };
  mockIPC(
    (cmd, payload) => {
      calls.push({ cmd, payload });
      const h = handlers[cmd] ?? defaults[cmd];
      if (h) return h(payload);
      if (cmd === "contacts_list") {
        const q = (payload as { query: ContactQuery }).query;
        const offset = q.offset ?? 0;
        const rows = q.limit === undefined ? all.slice(offset) : all.slice(offset, offset + q.limit);
        return { contacts: rows, total: all.length };
      }
      throw new Error(`unexpected command ${cmd}`);
    },
    { shouldMockEvents: true },
  );
  const queries = () =>
    calls.filter((c) => c.cmd === "contacts_list").map((c) => (c.payload as { query: ContactQuery }).query);
  return { calls, queries };
}

/** The inbox's scroll container gets a height, so rows get rendered (jsdom does no layout). */
export function giveInboxHeight() {
  giveScrollHeight("inbox-scroll", 440);
}
