import { mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { Contact } from "../../bindings/Contact";
import type { MappingDocument } from "../../bindings/MappingDocument";
import type { OwnerDecision } from "../../bindings/OwnerDecision";
import type { SalesforceUser } from "../../bindings/SalesforceUser";
import type { TrialContact } from "../../bindings/TrialContact";
import type { UserMapping } from "../../bindings/UserMapping";
import type { UserMappingSuggestion } from "../../bindings/UserMappingSuggestion";
import { defaultDocument, describeOf, field, versioned } from "../mapping/testData";
import { RoutingScreen } from "./RoutingScreen";

const NOT_CONNECTED = { code: "NOT_CONNECTED", message: "no Salesforce org is connected; run `org connect`" };

const USERS: SalesforceUser[] = [
  {
    id: "005000000000001AAA",
    name: "Priya Nair",
    email: "priya.nair@demo.example",
    username: "p",
    isActive: true,
  },
  {
    id: "005000000000002AAA",
    name: "Marco Bellini",
    email: "marco@demo.example",
    username: "m",
    isActive: true,
  },
  {
    id: "005000000000003AAA",
    name: "Rita Moreno",
    email: "rita@demo.example",
    username: "r",
    isActive: false,
  },
];

function contact(email: string, company: string | null): Contact {
  return { email, emailKey: email.toLowerCase(), company } as Contact;
}

/** Routes like the core would for the test: the first enabled strategy with a name wins. */
function decide(doc: MappingDocument): OwnerDecision {
  const first = doc.ownerStrategies.find((s) => s.enabled);
  const owner = first?.strategy === "meeting_scheduler" ? "Priya Nair" : "Marco Bellini";
  return {
    ownerId: "005000000000001AAA",
    ownerName: owner,
    strategy: first?.strategy ?? null,
    reason: `${owner} — ${first?.strategy}`,
    steps: [
      {
        strategy: first?.strategy ?? "default_owner",
        outcome: "resolved",
        detail: `priya.nair@demo.example is ${owner} (same email)`,
        trace: [],
        account: null,
        company: null,
        segments: [],
      },
    ],
  };
}

interface Backend {
  calls: { cmd: string; args: Record<string, unknown> }[];
  saved: MappingDocument[];
}

function backend(options: { connected: boolean; document?: MappingDocument }): Backend {
  const state: Backend = { calls: [], saved: [] };
  let current = versioned(0, options.document ?? defaultDocument());
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    state.calls.push({ cmd, args });
    switch (cmd) {
      case "mapping_current":
        return current;
      case "mapping_validate":
        return { problems: [], orgChecked: options.connected, orgError: null };
      case "mapping_describe":
        if (!options.connected) throw NOT_CONNECTED;
        return describeOf("Account", [
          field("OwnerId", "Owner ID", { type: "reference", referenceTo: ["User"] }),
          field("SDR__c", "SDR", { type: "reference", referenceTo: ["User"], custom: true }),
          field("CreatedById", "Created By ID", { type: "reference", referenceTo: ["User"] }),
          field("Name", "Account Name"),
        ]);
      case "routing_users":
        if (!options.connected) throw NOT_CONNECTED;
        return USERS;
      case "routing_chat_users":
        return ["priya.nair@demo.example", "mbellini@chat.example"];
      case "routing_suggest": {
        const mapping = args.userMapping as UserMapping[];
        const manual = mapping.find((m) => m.chatUser === "mbellini@chat.example");
        const rows: UserMappingSuggestion[] = [
          {
            chatUser: "priya.nair@demo.example",
            salesforceUserId: "005000000000001AAA",
            salesforceUserName: "Priya Nair",
            basis: "emailMatch",
            candidates: [],
            warnings: [],
          },
          manual
            ? {
                chatUser: "mbellini@chat.example",
                salesforceUserId: manual.salesforceUserId,
                salesforceUserName: "Marco Bellini",
                basis: "manual",
                candidates: [],
                warnings: [],
              }
            : {
                chatUser: "mbellini@chat.example",
                salesforceUserId: "005000000000002AAA",
                salesforceUserName: "Marco Bellini",
                basis: "nameSimilarity",
                candidates: [],
                warnings: [
                  {
                    code: "UNMAPPED",
                    message: "mbellini@chat.example is not mapped; Marco Bellini looks like the same person",
                  },
                ],
              },
        ];
        return rows;
      }
      case "contacts_list":
        return {
          contacts: [contact("alex@acme.example", "Acme"), contact("sam@globex.example", null)],
          total: 2,
        };
      case "routing_test": {
        if (!options.connected) throw NOT_CONNECTED;
        const doc = args.document as MappingDocument;
        const subject = args.contact as TrialContact;
        const email = subject.kind === "inbox" ? subject.email : String(subject.lead.email);
        return { contact: contact(email, null), decision: decide(doc) };
      }
      case "mapping_save": {
        const document = args.document as MappingDocument;
        state.saved.push(document);
        current = versioned(state.saved.length, document);
        return { version: state.saved.length, created: true };
      }
      default:
        throw new Error(`unexpected command ${cmd}`);
    }
  });
  return state;
}

const strategyOrder = () =>
  within(screen.getByTestId("strategy-list"))
    .getAllByRole("listitem")
    .map((li) => li.getAttribute("data-testid"));

describe("Routing screen", () => {
  it("lists every strategy in rank order, with the ones the document leaves out switched off", async () => {
    backend({ connected: true });
    render(<RoutingScreen />);
    await screen.findByTestId("strategy-list");
    expect(strategyOrder()).toEqual([
      "strategy-meeting_scheduler",
      "strategy-default_owner",
      "strategy-last_routed",
      "strategy-closed_by",
      "strategy-account_owner",
    ]);
    const closedBy = screen.getByTestId("strategy-switch-closed_by") as HTMLInputElement;
    expect(closedBy.checked).toBe(false);
    expect(closedBy.getAttribute("aria-label")).toBe("Use Closed by");
    expect(screen.getByTestId("strategy-handle-closed_by").getAttribute("aria-label")).toBe(
      "Move Closed by (rank 4)",
    );
    expect(screen.getByTestId("saved")).toBeTruthy();
  });

  it("saves switched strategies and the default owner over the newest version, keeping the mapping", async () => {
    const core = backend({ connected: true });
    render(<RoutingScreen />);
    fireEvent.click(await screen.findByTestId("strategy-switch-meeting_scheduler"));
    expect(screen.getByTestId("unsaved")).toBeTruthy();
    const picker = screen.getByTestId("default-owner") as HTMLSelectElement;
    await waitFor(() => expect(picker.options.length).toBe(3)); // "Not set" and two active users
    fireEvent.change(screen.getByTestId("default-owner-search"), { target: { value: "marco" } });
    expect(picker.options.length).toBe(2);
    fireEvent.change(picker, { target: { value: "005000000000002AAA" } });
    fireEvent.click(screen.getByTestId("save"));
    await waitFor(() => expect(screen.getByTestId("routing-version").textContent).toBe("Mapping version 1"));
    const saved = core.saved[0];
    expect(saved?.defaultOwnerId).toBe("005000000000002AAA");
    expect(saved?.ownerStrategies.map((s) => [s.strategy, s.enabled])).toEqual([
      ["meeting_scheduler", false],
      ["default_owner", true],
      ["last_routed", false],
      ["closed_by", false],
      ["account_owner", false],
    ]);
    expect(saved?.objects).toEqual(defaultDocument().objects);
    expect(screen.getByTestId("saved")).toBeTruthy();
  });

  it("tests an inbox contact and tests it again when the strategies change", async () => {
    const core = backend({ connected: true });
    render(<RoutingScreen />);
    const select = (await screen.findByTestId("test-contact")) as HTMLSelectElement;
    await waitFor(() => expect(select.options.length).toBe(3));
    fireEvent.change(select, { target: { value: "alex@acme.example" } });
    fireEvent.click(screen.getByTestId("test-run"));
    await waitFor(() =>
      expect(screen.getByTestId("test-reason").textContent).toBe("Priya Nair — meeting_scheduler"),
    );
    expect(screen.getByTestId("test-owner").textContent).toBe("Priya Nair");
    const first = core.calls.find((c) => c.cmd === "routing_test");
    expect(first?.args.contact).toEqual({ kind: "inbox", email: "alex@acme.example" });

    fireEvent.click(screen.getByTestId("strategy-switch-meeting_scheduler"));
    await waitFor(() =>
      expect(screen.getByTestId("test-reason").textContent).toBe("Marco Bellini — default_owner"),
    );
    // The unsaved draft was tested: nothing was saved.
    expect(core.saved).toEqual([]);
    const last = core.calls.filter((c) => c.cmd === "routing_test").at(-1);
    expect((last?.args.document as MappingDocument | undefined)?.ownerStrategies[0]).toEqual({
      strategy: "meeting_scheduler",
      enabled: false,
    });
  });

  it("tests a typed-in contact as the lead of a lead.qualified event", async () => {
    const core = backend({ connected: true });
    render(<RoutingScreen />);
    fireEvent.click(await screen.findByTestId("test-mode-adhoc"));
    fireEvent.change(screen.getByTestId("test-field-email"), { target: { value: " new@initech.example " } });
    fireEvent.change(screen.getByTestId("test-field-metadata.industry"), { target: { value: "Finance" } });
    fireEvent.change(screen.getByTestId("test-field-agents.closedBy"), {
      target: { value: "priya.nair@demo.example" },
    });
    fireEvent.click(screen.getByTestId("test-run"));
    await screen.findByTestId("test-decision");
    const call = core.calls.find((c) => c.cmd === "routing_test");
    expect(call?.args.contact).toEqual({
      kind: "adHoc",
      lead: {
        email: "new@initech.example",
        metadata: { industry: "Finance" },
        agents: { closedBy: "priya.nair@demo.example" },
      },
    });
  });

  it("shows why each chat user maps, and records the admin's choice as a manual mapping", async () => {
    const core = backend({ connected: true });
    render(<RoutingScreen />);
    fireEvent.click(await screen.findByTestId("tab-users"));
    expect((await screen.findByTestId("user-basis-priya.nair@demo.example")).textContent).toBe("Same email");
    expect(screen.getByTestId("user-basis-mbellini@chat.example").textContent).toBe("Similar name");
    const picker = screen.getByTestId("user-pick-priya.nair@demo.example") as HTMLSelectElement;
    await waitFor(() => expect(picker.value).toBe("005000000000001AAA"));
    expect((screen.getByTestId("user-pick-mbellini@chat.example") as HTMLSelectElement).value).toBe("");

    fireEvent.click(screen.getByTestId("user-accept-mbellini@chat.example"));
    await waitFor(() =>
      expect(screen.getByTestId("user-basis-mbellini@chat.example").textContent).toBe("Chosen by hand"),
    );
    expect(screen.getByTestId("unsaved")).toBeTruthy();
    const suggest = core.calls.filter((c) => c.cmd === "routing_suggest").at(-1);
    expect(suggest?.args.userMapping).toEqual([
      { chatUser: "mbellini@chat.example", salesforceUserId: "005000000000002AAA", source: "manual" },
    ]);
    expect(suggest?.args.chatUsers).toEqual(["priya.nair@demo.example", "mbellini@chat.example"]);

    fireEvent.click(screen.getByTestId("user-clear-mbellini@chat.example"));
    await waitFor(() => expect(screen.getByTestId("saved")).toBeTruthy());
  });

  it("edits segments and rules; renaming a segment keeps its rules pointing at it", async () => {
    const core = backend({ connected: true });
    render(<RoutingScreen />);
    fireEvent.click(await screen.findByTestId("tab-rules"));
    expect((await screen.findByTestId("no-rules")).textContent).toContain("Add a segment first");
    fireEvent.click(screen.getByTestId("tab-segments"));
    expect(screen.getByTestId("no-segments")).toBeTruthy();
    fireEvent.click(screen.getByTestId("add-segment"));
    fireEvent.click(screen.getByTestId("add-condition-0"));
    fireEvent.change(screen.getByTestId("condition-0-0-field"), { target: { value: "employees" } });
    fireEvent.change(screen.getByTestId("condition-0-0-op"), { target: { value: "between" } });
    fireEvent.change(screen.getByTestId("condition-0-0-min"), { target: { value: "200" } });
    fireEvent.change(screen.getByTestId("condition-0-0-max"), { target: { value: "5000" } });

    fireEvent.click(screen.getByTestId("tab-rules"));
    fireEvent.click(screen.getByTestId("add-rule"));
    const fieldSelect = screen.getByTestId("rule-field-0") as HTMLSelectElement;
    // User lookups from the Account describe, without the audit fields.
    expect([...fieldSelect.options].map((o) => o.value)).toEqual(["OwnerId", "SDR__c"]);
    fireEvent.change(fieldSelect, { target: { value: "SDR__c" } });
    fireEvent.change(screen.getByTestId("rule-then-0"), { target: { value: "OwnerId" } });
    fireEvent.change(screen.getByTestId("rule-fallback-0"), { target: { value: "005000000000002AAA" } });
    fireEvent.change(screen.getByTestId("unmatched-fallback"), { target: { value: "005000000000001AAA" } });

    fireEvent.click(screen.getByTestId("tab-segments"));
    fireEvent.change(screen.getByTestId("segment-name-0"), { target: { value: "Enterprise" } });
    fireEvent.click(screen.getByTestId("save"));
    await waitFor(() => expect(core.saved.length).toBe(1));
    const saved = core.saved[0];
    expect(saved?.segments).toEqual([
      {
        name: "Enterprise",
        match: "all",
        conditions: [{ op: "between", field: "employees", min: 200, max: 5000 }],
      },
    ]);
    expect(saved?.ownershipRules).toEqual([
      {
        segment: "Enterprise",
        ownerField: "SDR__c",
        thenBy: "OwnerId",
        fallbackUserId: "005000000000002AAA",
      },
    ]);
    expect(saved?.unmatchedFallbackUserId).toBe("005000000000001AAA");
  });

  it("without an org, says so, still lists chat users, and discards edits after confirmation", async () => {
    backend({ connected: false });
    render(<RoutingScreen />);
    expect((await screen.findByTestId("not-connected")).textContent).toContain(
      "No Salesforce org is connected",
    );
    fireEvent.click(screen.getByTestId("strategy-switch-default_owner"));
    expect(screen.getByTestId("unsaved")).toBeTruthy();
    fireEvent.click(screen.getByTestId("discard"));
    fireEvent.click(await screen.findByTestId("confirm-discard"));
    expect(screen.getByTestId("saved")).toBeTruthy();
    expect((screen.getByTestId("strategy-switch-default_owner") as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByTestId("tab-users"));
    expect(await screen.findByTestId("user-row-mbellini@chat.example")).toBeTruthy();
  });

  it("asks before leaving with unsaved changes", async () => {
    backend({ connected: true });
    window.location.hash = "#/routing";
    render(
      <>
        <a href="#/contacts">Contacts</a>
        <RoutingScreen />
      </>,
    );
    fireEvent.click(await screen.findByTestId("strategy-switch-default_owner"));
    fireEvent.click(screen.getByRole("link", { name: "Contacts" }));
    fireEvent.click(await screen.findByTestId("leave-stay"));
    expect(window.location.hash).toBe("#/routing");
    expect(screen.getByTestId("unsaved")).toBeTruthy();
  });
});
