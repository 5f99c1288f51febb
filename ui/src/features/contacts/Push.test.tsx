import { emit } from "@tauri-apps/api/event";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { SYNC_PROGRESS_EVENT } from "../../api";
import type { Plan } from "../../bindings/Plan";
import type { PlanItem } from "../../bindings/PlanItem";
import type { SyncProgress } from "../../bindings/SyncProgress";
import { ContactsScreen } from "./ContactsScreen";
import { planSentence, toPushSelection } from "./push";
import { ALL, NONE, toggle } from "./selection";
import { contact, giveInboxHeight, type Handler, mockInbox, orgStatus } from "./testIpc";
import { NO_FILTERS } from "./useContactWindow";

function item(email: string, overrides: Partial<PlanItem> = {}): PlanItem {
  return {
    contactId: 1,
    email,
    contactName: "Person One",
    company: "Company 1",
    object: "Lead",
    action: "create",
    recordId: null,
    changes: [{ field: "LastName", source: "lastName", before: null, after: "One" }],
    ownerId: "005A",
    ownerName: "Sally Park",
    ownerReason: "Sally Park — meeting_scheduler",
    ownerStrategy: "meeting_scheduler",
    assignment: "off",
    campaign: null,
    campaignNote: null,
    opportunity: null,
    opportunityNote: null,
    account: null,
    accountNote: null,
    skipReason: null,
    problem: null,
    notes: [],
    api: "REST",
    continues: null,
    ...overrides,
  };
}

const PLAN: Plan = {
  items: [
    item("person1@example.com", {
      campaign: { campaignId: "701C", leadId: null, existingMemberId: null },
    }),
    item("person2@example.com", {
      action: "update",
      recordId: "00QB",
      changes: [{ field: "Lead_Score__c", source: "qualificationScore", before: 40, after: 91 }],
      ownerName: "Lee Owner",
      ownerReason: "the Lead's current owner",
    }),
    item("person3@example.com", {
      object: "Contact",
      action: "skipped",
      recordId: "003C",
      changes: [],
      ownerName: null,
      ownerId: null,
      ownerReason: null,
      skipReason: { code: "CONTACT_EXISTS", message: "a Salesforce Contact has this email", field: null },
    }),
    item("person4@example.com", { action: "unchanged", recordId: "00QD", changes: [] }),
    item("person5@example.com"),
    item("person6@example.com"),
    item("person7@example.com"),
  ],
  totals: {
    contacts: 7,
    create: 4,
    update: 1,
    unchanged: 1,
    skipped: 1,
    invalid: 0,
    campaignMembers: 1,
    opportunities: 0,
    accountUpdates: 0,
    writeCalls: 2,
  },
  api: "REST",
  mappingVersion: 1,
  lookupCalls: 3,
};

function progress(p: Partial<SyncProgress>): SyncProgress {
  return {
    stage: "writing",
    total: 7,
    sent: 0,
    done: 0,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    phase: 1,
    apiCalls: 0,
    summary: null,
    error: null,
    ...p,
  };
}

/** An inbox of `n` contacts with the push commands behind it. */
function app(n: number, opts: { connected?: boolean; push?: Handler } = {}) {
  const all = Array.from({ length: n }, (_, i) => contact(i + 1));
  return mockInbox(all, {
    org_status: () => orgStatus(opts.connected ?? true),
    sync_preview: () => PLAN,
    sync_push: (payload) => (opts.push ? opts.push(payload) : n),
    sync_cancel: () => true,
  }).calls;
}

giveInboxHeight();

async function selectAll() {
  await screen.findAllByTestId("inbox-row");
  fireEvent.click(screen.getByRole("checkbox", { name: /select all/i }));
  await waitFor(() => expect((screen.getByTestId("push-start") as HTMLButtonElement).disabled).toBe(false));
}

describe("push logic", () => {
  it("sends ticked rows by email and 'all' as the filters minus unticked rows", () => {
    const ticked = toggle(toggle(NONE, "a@x.com"), "b@x.com");
    expect(toPushSelection(ticked, NO_FILTERS)).toEqual({ emails: ["a@x.com", "b@x.com"] });
    const most = toggle(ALL, "c@x.com");
    expect(toPushSelection(most, { ...NO_FILTERS, search: " acme ", minScore: 60 })).toEqual({
      matching: { query: { sort: "receivedDesc", search: "acme", minScore: 60 }, except: ["c@x.com"] },
    });
  });

  it("says what a plan will do", () => {
    expect(planSentence(PLAN)).toBe(
      "4 new Leads will be created, 1 record updated, 1 already up to date, 1 skipped. Also: 1 campaign member.",
    );
  });
});

describe("manual push on the Contacts screen", () => {
  it("is disabled with the reason when no org is connected", async () => {
    app(3, { connected: false });
    render(<ContactsScreen />);
    await selectAll().catch(() => {});
    const blocked = await screen.findByTestId("push-blocked");
    expect(blocked.textContent).toContain("Not connected");
    expect(within(blocked).getByRole("link").getAttribute("href")).toBe("#/connect");
    expect((screen.getByTestId("push-start") as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId("push-preview") as HTMLButtonElement).disabled).toBe(true);
  });

  it("previews the plan grouped by action, with before → after, owner and reason", async () => {
    const calls = app(7);
    render(<ContactsScreen />);
    await selectAll();
    fireEvent.click(screen.getByTestId("push-preview"));
    const preview = await screen.findByTestId("plan-preview");
    expect(calls.find((c) => c.cmd === "sync_preview")?.payload).toEqual({
      selection: { matching: { query: { sort: "receivedDesc" }, except: [] } },
    });
    expect(screen.getByTestId("plan-total-create").textContent).toBe("4 to create");
    expect(within(preview).getByTestId("plan-group-create").textContent).toContain("New Leads 4");
    const update = within(preview).getByTestId("plan-group-update");
    const change = within(update).getByTestId("plan-change");
    expect(change.getAttribute("data-field")).toBe("Lead_Score__c");
    expect(change.textContent).toBe("Lead_Score__c40→ 91");
    expect(within(update).getByTestId("plan-owner").textContent).toContain(
      "Lee Owner — the Lead's current owner",
    );
    const skipped = within(preview).getByTestId("plan-group-skipped");
    expect(within(skipped).getByTestId("plan-skip").textContent).toContain("CONTACT_EXISTS");
    expect(within(preview).getAllByTestId("plan-campaign")[0]?.textContent).toContain("joins 701C");
    expect(screen.getByTestId("plan-calls").textContent).toContain("About 2 API calls");
    // On to the confirmation (7 > 5) with the same plan: no second look-up.
    fireEvent.click(screen.getByTestId("preview-push"));
    const question = await screen.findByTestId("push-question");
    expect(question.textContent).toContain("4 new Leads will be created, 1 record updated");
    expect(calls.filter((c) => c.cmd === "sync_preview")).toHaveLength(1);
  });

  it("asks above five contacts, follows progress events, cancels, and sums up with a link to Deliveries", async () => {
    const calls = app(7);
    render(<ContactsScreen />);
    await selectAll();
    expect(screen.getByTestId("push-start").textContent).toBe("Push 7 contacts");
    fireEvent.click(screen.getByTestId("push-start"));
    await screen.findByTestId("push-question");
    expect(calls.some((c) => c.cmd === "sync_push")).toBe(false);
    const confirm = screen.getByTestId("push-confirm") as HTMLButtonElement;
    await waitFor(() => expect(confirm.disabled).toBe(false));
    fireEvent.click(confirm);
    const panel = await screen.findByTestId("push-progress");
    expect(panel.textContent).toContain("Looking up");
    expect(calls.some((c) => c.cmd === "sync_push")).toBe(true);

    await act(() =>
      emit(SYNC_PROGRESS_EVENT, progress({ sent: 5, done: 3, succeeded: 2, skipped: 1, apiCalls: 1 })),
    );
    await waitFor(() =>
      expect(screen.getByTestId("push-progress-text").textContent).toBe(
        "3 of 7 contacts done · 5 sent · 2 succeeded · 0 failed · 1 skipped — 1 API call",
      ),
    );
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("3");
    // Push actions wait for the running push.
    expect((screen.getByTestId("push-start") as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByTestId("push-cancel"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "sync_cancel")).toBe(true));
    expect(screen.getByTestId("push-cancel").textContent).toBe("Cancelling…");

    await act(() =>
      emit(
        SYNC_PROGRESS_EVENT,
        progress({
          stage: "finished",
          done: 5,
          sent: 5,
          succeeded: 3,
          failed: 1,
          skipped: 1,
          summary: {
            batchId: 4,
            created: 2,
            updated: 1,
            unchanged: 0,
            skipped: 1,
            failed: 1,
            pending: 2,
            cancelled: true,
            apiCalls: 1,
            lookupCalls: 3,
            failures: [
              {
                email: "person5@example.com",
                status: "failed",
                action: "created",
                object: "Lead",
                id: null,
                ownerId: null,
                ownerReason: null,
                opportunityId: null,
                campaignMemberId: null,
                error: { code: "STRING_TOO_LONG", message: "Company: data value too large" },
                deliveryId: 12,
                attempts: 1,
              },
            ],
          },
        }),
      ),
    );
    const result = await screen.findByTestId("push-result");
    expect(screen.getByTestId("push-result-title").textContent).toBe("Push cancelled");
    expect(screen.getByTestId("push-created").textContent).toBe("2 created");
    expect(screen.getByTestId("push-updated").textContent).toBe("1 updated");
    expect(screen.getByTestId("push-failed").textContent).toBe("1 failed");
    expect(screen.getByTestId("push-pending").textContent).toBe("2 left pending");
    expect(within(result).getByTestId("push-failures").textContent).toContain("STRING_TOO_LONG");
    // To this push's failures: the log filtered to failed deliveries of batch 4.
    expect(screen.getByTestId("push-open-deliveries").getAttribute("href")).toBe(
      "#/deliveries?status=failed&batch=4",
    );
    // The inbox reloads to show the new delivery facts.
    await waitFor(() => expect(calls.filter((c) => c.cmd === "contacts_list").length).toBeGreaterThan(1));
    fireEvent.click(screen.getByTestId("push-dismiss"));
    expect(screen.queryByTestId("push-result")).toBeNull();
  });

  it("pushes five or fewer at once, and shows a refused push's error", async () => {
    const calls = app(3, {
      push: () => {
        throw { code: "INVALID_INPUT", message: "another push is running on this data directory" };
      },
    });
    render(<ContactsScreen />);
    await selectAll();
    fireEvent.click(screen.getByTestId("push-start"));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("INVALID_INPUT");
    expect(alert.textContent).toContain("another push is running");
    expect(calls.some((c) => c.cmd === "sync_preview")).toBe(false);
    expect(screen.queryByTestId("push-progress")).toBeNull();
  });

  it("shows the error that stopped a push", async () => {
    app(2);
    render(<ContactsScreen />);
    await selectAll();
    fireEvent.click(screen.getByTestId("push-start"));
    await screen.findByTestId("push-progress");
    await act(() =>
      emit(
        SYNC_PROGRESS_EVENT,
        progress({ stage: "failed", error: { code: "NETWORK", message: "Salesforce could not be reached" } }),
      ),
    );
    expect((await screen.findByTestId("push-result-title")).textContent).toBe("The push stopped on an error");
    expect(screen.getByRole("alert").textContent).toContain("Salesforce could not be reached");
  });
});
