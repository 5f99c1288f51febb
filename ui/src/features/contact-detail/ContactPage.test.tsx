import { mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { Contact } from "../../bindings/Contact";
import type { ContactDetail } from "../../bindings/ContactDetail";
import type { LinkedRecords } from "../../bindings/LinkedRecords";
import type { OpportunityChange } from "../../bindings/OpportunityChange";
import type { OpportunityForm } from "../../bindings/OpportunityForm";
import type { OrgPermissions } from "../../bindings/OrgPermissions";
import { contact } from "../contacts/testIpc";
import { ContactPage } from "./ContactPage";

const EMAIL = "o'brien@harborlight.example";
const OPP = "006000000000001AAA";

const CONTACT: Contact = contact(1, {
  email: EMAIL,
  emailKey: EMAIL,
  firstName: "Siobhan",
  lastName: "O'Brien",
  company: "Harborlight Analytics",
  domain: "harborlight.example",
  qualificationScore: 85,
  conversationUrl: "https://app.hoverbot.ai/conversations/c-1",
  conversationId: "c-1",
  metadata: { budget: "50k" },
  agents: { meetingScheduledWith: "sally@ours.example", lastRouted: null, closedBy: null },
  conversationStatus: "closed",
  qualifiedAt: null,
});

const DETAIL: ContactDetail = {
  contact: CONTACT,
  deliveries: [
    {
      id: 7,
      batchId: 3,
      trigger: "manual",
      retryOf: null,
      email: EMAIL,
      contactName: "Siobhan O'Brien",
      company: null,
      object: "Lead",
      action: "update",
      status: "failed",
      salesforceId: null,
      ownerId: null,
      ownerReason: null,
      opportunityId: null,
      campaignMemberId: null,
      error: {
        code: "UNABLE_TO_LOCK_ROW",
        message: "locked",
        fields: [],
        httpStatus: 400,
        salesforceCode: null,
      },
      attempts: 3,
      createdAt: "2026-04-05T15:00:00.000Z",
      updatedAt: "2026-04-05T15:00:00.000Z",
      finishedAt: null,
    },
  ],
  deliveriesTotal: 1,
};

function linked(stage: string): LinkedRecords {
  return {
    email: EMAIL,
    lead: null,
    contact: {
      id: "003000000000001AAA",
      name: "Siobhan O'Brien",
      title: "CTO",
      phone: null,
      accountId: "001000000000001AAA",
      ownerId: null,
      ownerName: "Priya Nair",
    },
    account: {
      id: "001000000000001AAA",
      name: "Harborlight Analytics",
      industry: "Technology",
      numberOfEmployees: 250,
      website: null,
      billingCountry: null,
      ownerId: null,
      ownerName: "Priya Nair",
      matchedBy: "contact",
    },
    opportunities: [
      {
        id: OPP,
        name: "Harborlight Analytics - Expansion 1",
        stageName: stage,
        amount: 12000,
        currencyIsoCode: "EUR",
        closeDate: "2026-09-30",
        isClosed: false,
        isWon: false,
        probability: 10,
        accountId: "001000000000001AAA",
        ownerName: "Priya Nair",
        lastModifiedDate: null,
      },
    ],
    notes: [],
    fetchedAt: "2026-04-05T16:00:00.000Z",
    apiCalls: 1,
  };
}

function perms(updateable: boolean): OrgPermissions {
  return {
    profile: "demo",
    readAt: "2026-04-05T16:00:00.000Z",
    objects: ["Lead", "Contact", "Account", "Opportunity", "CampaignMember", "Task"].map((object) => ({
      object,
      visible: true,
      createable: true,
      queryable: true,
      updateable: object === "Opportunity" ? updateable : true,
    })),
  };
}

function form(stage: string): OpportunityForm {
  const [opportunity] = linked(stage).opportunities;
  if (!opportunity) throw new Error("the fixture has an Opportunity");
  return {
    opportunity,
    stages: ["Prospecting", "Qualification", "Closed Won"].map((value) => ({ value, label: value })),
    amountIntegerDigits: 16,
    amountScale: 2,
    canEdit: true,
    reason: null,
  };
}

/** A fake org whose Opportunity stage changes when the update is sent. */
function org(updateable: boolean) {
  let stage = "Prospecting";
  const calls: { cmd: string; payload: unknown }[] = [];
  mockIPC((cmd, payload) => {
    calls.push({ cmd, payload });
    switch (cmd) {
      case "contact_detail":
        return DETAIL;
      case "contact_linked":
        return linked(stage);
      case "org_permissions":
        return perms(updateable);
      case "opportunity_form":
        return form(stage);
      case "opportunity_preview": {
        const change = (payload as { change: OpportunityChange }).change;
        return {
          opportunityId: OPP,
          name: "Harborlight Analytics - Expansion 1",
          diffs: [{ field: "StageName", label: "Stage", before: stage, after: change.stageName ?? null }],
          body: { StageName: change.stageName ?? null },
        };
      }
      case "opportunity_update": {
        const change = (payload as { change: OpportunityChange }).change;
        stage = change.stageName ?? stage;
        return {
          preview: { opportunityId: OPP, name: null, diffs: [], body: {} },
          deliveryId: 8,
          httpStatus: 204,
        };
      }
      case "serve_pending_reason":
        return {
          reason: "waitingForDelay",
          message: "Goes at 14:30, 15 minutes after the conversation closed.",
          dueAt: "2026-04-05T14:30:00Z",
          deliveryId: null,
        };
      default:
        throw new Error(`unexpected ${cmd}`);
    }
  });
  return calls;
}

describe("ContactPage", () => {
  it("shows the conversation, history links into Deliveries, and the linked records", async () => {
    org(true);
    render(<ContactPage email={EMAIL} />);
    expect((await screen.findByTestId("contact-page-title")).textContent).toContain("Siobhan O'Brien");
    expect(screen.getByTestId("conversation-link").getAttribute("href")).toBe(
      "https://app.hoverbot.ai/conversations/c-1",
    );
    expect(screen.getByText("sally@ours.example")).toBeTruthy();
    const link = screen.getByTestId("history-link-7");
    expect(link.getAttribute("href")).toBe(`#/deliveries?delivery=7&search=o%27brien%40harborlight.example`);
    const account = await screen.findByTestId("linked-account");
    expect(account.textContent).toContain("Harborlight Analytics");
    expect(account.textContent).toContain("Technology");
    expect(screen.getByTestId("linked-fetched-at").textContent).toContain("Fetched");
    expect(
      within(screen.getByTestId(`opportunity-${OPP}`)).getByTestId("opportunity-stage").textContent,
    ).toContain("Prospecting");
    // The amount in the record's currency, not a bare number.
    expect(
      within(screen.getByTestId(`opportunity-${OPP}`)).getByTestId("opportunity-amount").textContent,
    ).toMatch(/€/);
    // Why it has not been delivered yet, and when it will go.
    expect((await screen.findByTestId("pending-reason")).textContent).toBe("Waiting for delay");
    expect(screen.getByTestId("pending-message").textContent).toContain("15 minutes after");
  });

  it("changes the stage after a before → after confirmation and shows it refreshed", async () => {
    const calls = org(true);
    render(<ContactPage email={EMAIL} />);
    fireEvent.click(await screen.findByTestId(`opportunity-edit-${OPP}`));
    const select = await screen.findByTestId("opportunity-stage-select");
    fireEvent.change(select, { target: { value: "Closed Won" } });
    fireEvent.click(screen.getByTestId("opportunity-review"));
    const diff = await screen.findByTestId("diff-StageName");
    expect(diff.textContent).toContain("Prospecting");
    expect(diff.textContent).toContain("Closed Won");
    expect(calls.some((c) => c.cmd === "opportunity_update")).toBe(false);
    fireEvent.click(screen.getByTestId("opportunity-confirm"));
    expect((await screen.findByTestId("opportunity-updated")).textContent).toContain("Delivery #8");
    const update = calls.find((c) => c.cmd === "opportunity_update");
    expect(update?.payload).toEqual({
      email: EMAIL,
      change: { opportunityId: OPP, stageName: "Closed Won" },
    });
    await waitFor(() =>
      expect(
        within(screen.getByTestId(`opportunity-${OPP}`)).getByTestId("opportunity-stage").textContent,
      ).toContain("Closed Won"),
    );
  });

  it("disables editing with the reason when the user may not update Opportunities", async () => {
    const calls = org(false);
    render(<ContactPage email={EMAIL} />);
    const edit = await screen.findByTestId(`opportunity-edit-${OPP}`);
    await waitFor(() => expect(edit as HTMLButtonElement).toHaveProperty("disabled", true));
    expect(edit.getAttribute("title")).toContain("Opportunity.updateable is false");
    expect(screen.getByTestId("opportunity-edit-reason").textContent).toContain(
      "may not edit Opportunity records",
    );
    fireEvent.click(edit);
    expect(screen.queryByTestId("opportunity-editor")).toBeNull();
    expect(calls.some((c) => c.cmd.startsWith("opportunity_"))).toBe(false);
  });
});
