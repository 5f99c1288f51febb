import { mockIPC } from "@tauri-apps/api/mocks";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { ChatField } from "../../bindings/ChatField";
import type { MappingDocument } from "../../bindings/MappingDocument";
import type { Problem } from "../../bindings/Problem";
import type { Validation } from "../../bindings/Validation";
import type { VersionedDocument } from "../../bindings/VersionedDocument";
import { MappingScreen } from "./MappingScreen";
import { defaultDocument, describeOf, field, LEAD_FIELDS, versioned } from "./testData";

const NOT_CONNECTED = { code: "NOT_CONNECTED", message: "no Salesforce org is connected; run `org connect`" };

const CHAT_FIELDS: ChatField[] = [
  { path: "email", example: "alex@acme.example", count: 3, isMetadata: false },
  { path: "website", example: "https://acme.example", count: 2, isMetadata: false },
  { path: "metadata.budget", example: 5000, count: 1, isMetadata: true },
];

interface Backend {
  calls: { cmd: string; args: Record<string, unknown> }[];
  saved: MappingDocument[];
  current: VersionedDocument;
}

/**
 * A fake core over mockIPC: stores saved versions like the real one and answers the other
 * commands from `options`.
 */
function backend(options: {
  connected: boolean;
  problems?: Problem[];
  saveError?: { code: string; message: string };
  history?: boolean;
}): Backend {
  const state: Backend = { calls: [], saved: [], current: versioned(0) };
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    state.calls.push({ cmd, args });
    switch (cmd) {
      case "mapping_current":
        return state.current;
      case "mapping_chat_fields":
        return CHAT_FIELDS;
      case "mapping_describe": {
        if (!options.connected) throw NOT_CONNECTED;
        const object = String(args.object);
        if (object === "Lead") return describeOf("Lead", LEAD_FIELDS);
        if (object === "Account") {
          return describeOf("Account", [field("Website", "Website", { type: "url", length: 255 })]);
        }
        if (object === "Opportunity") {
          return describeOf("Opportunity", [
            field("StageName", "Stage", {
              type: "picklist",
              picklistValues: [
                { value: "Prospecting", label: "Prospecting", active: true, defaultValue: false },
                { value: "Qualification", label: "Qualification", active: true, defaultValue: false },
              ],
            }),
          ]);
        }
        return describeOf(object, []);
      }
      case "mapping_validate": {
        const result: Validation = options.connected
          ? { problems: options.problems ?? [], orgChecked: true, orgError: null }
          : {
              problems: options.problems ?? [],
              orgChecked: false,
              orgError: { ...NOT_CONNECTED, code: "NOT_CONNECTED" },
            };
        return result;
      }
      case "mapping_campaigns":
        if (!options.connected) throw NOT_CONNECTED;
        return [
          { id: "701000000000001AAA", name: "Website Chat Leads", status: "In Progress", isActive: true },
        ];
      case "mapping_save": {
        if (options.saveError) throw options.saveError;
        const document = args.document as MappingDocument;
        state.saved.push(document);
        state.current = versioned(state.saved.length, document, (args.note as string | null) ?? null);
        return { version: state.saved.length, created: true };
      }
      case "mapping_history":
        return options.history
          ? [
              { version: 2, savedAt: "2026-11-21T09:30:00Z", note: "campaign", revertedFrom: null },
              { version: 1, savedAt: "2026-11-20T10:00:00Z", note: null, revertedFrom: null },
            ]
          : [];
      case "mapping_diff":
        return [
          {
            kind: "rowAdded",
            object: "Account",
            index: 1,
            row: { source: "website", target: "Website", overwrite: false },
          },
        ];
      case "mapping_revert":
        state.current = versioned(3, defaultDocument(), "revert to version 1");
        return { version: 3, created: true };
      default:
        throw new Error(`unexpected command ${cmd}`);
    }
  });
  return state;
}

async function renderScreen() {
  render(<MappingScreen />);
  await screen.findByTestId("row-Lead-Email");
  await screen.findByTestId("validation");
}

describe("Mapping screen without an org", () => {
  it("loads and edits the mapping, and saves a new version with a note", async () => {
    const core = backend({ connected: false });
    await renderScreen();
    expect(screen.getByTestId("mapping-version").textContent).toBe("Default mapping (nothing saved yet)");
    expect(screen.getByTestId("not-connected").textContent).toContain("Connect an org to see its fields");
    const connect = within(screen.getByTestId("connect-to-see-fields")).getByRole("link");
    expect(connect.getAttribute("href")).toBe("#/connect");
    expect((screen.getByTestId("save") as HTMLButtonElement).disabled).toBe(true);

    // Without a describe, the Salesforce field is typed as an API name.
    const add = screen.getByTestId("add-field-Lead");
    fireEvent.change(within(add).getByTestId("add-source"), { target: { value: "website" } });
    fireEvent.change(within(add).getByTestId("add-target"), { target: { value: "Title" } });
    fireEvent.click(within(add).getByTestId("add-field"));
    expect(await screen.findByTestId("row-Lead-Title")).toBeTruthy();
    expect(screen.getByTestId("unsaved")).toBeTruthy();
    fireEvent.click(screen.getByTestId("overwrite-Lead-Email"));
    fireEvent.click(screen.getByTestId("remove-Lead-Phone"));
    expect(screen.queryByTestId("row-Lead-Phone")).toBeNull();

    fireEvent.change(screen.getByTestId("save-note"), { target: { value: "  title from website " } });
    fireEvent.click(screen.getByTestId("save"));
    await waitFor(() => expect(screen.getByTestId("mapping-version").textContent).toBe("Version 1"));
    expect(screen.getByTestId("saved")).toBeTruthy();
    const save = core.calls.find((c) => c.cmd === "mapping_save");
    expect(save?.args.note).toBe("title from website");
    const lead = core.saved[0]?.objects.Lead ?? [];
    expect(lead.map((r) => r.target)).toEqual([
      "Email",
      "FirstName",
      "LastName",
      "Company",
      "Lead_Score__c",
      "Title",
    ]);
    expect(lead[0]?.overwrite).toBe(true);
    expect(lead.at(-1)).toEqual({ source: "website", target: "Title", overwrite: false });
  });

  it("adds a metadata field nobody has sent yet", async () => {
    backend({ connected: false });
    await renderScreen();
    fireEvent.click(screen.getByTestId("tab-Account"));
    const add = await screen.findByTestId("add-field-Account");
    fireEvent.change(within(add).getByTestId("add-source"), { target: { value: "\u0000metadata" } });
    fireEvent.change(within(add).getByTestId("add-metadata-key"), { target: { value: "employees" } });
    fireEvent.change(within(add).getByTestId("add-target"), { target: { value: "NumberOfEmployees" } });
    fireEvent.click(within(add).getByTestId("add-field"));
    const row = await screen.findByTestId("row-Account-NumberOfEmployees");
    expect(row.textContent).toContain("metadata.employees");
  });

  it("discards changes after confirmation", async () => {
    backend({ connected: false });
    await renderScreen();
    fireEvent.click(screen.getByTestId("remove-Lead-Email"));
    expect(screen.queryByTestId("row-Lead-Email")).toBeNull();
    fireEvent.click(screen.getByTestId("discard"));
    fireEvent.click(await screen.findByTestId("confirm-discard"));
    expect(await screen.findByTestId("row-Lead-Email")).toBeTruthy();
    expect(screen.getByTestId("saved")).toBeTruthy();
  });
});

describe("Mapping screen with an org", () => {
  it("shows Salesforce fields with their type and marks, and validation problems on their rows", async () => {
    backend({
      connected: true,
      problems: [
        {
          severity: "error",
          code: "TYPE_MISMATCH",
          path: "objects.Lead[5].target",
          object: "Lead",
          rowIndex: 5,
          field: "Lead_Score__c",
          message: "Lead_Score__c is a double field and cannot hold text",
          line: null,
        },
        {
          severity: "warning",
          code: "DEFAULT_OWNER_UNSET",
          path: "ownerStrategies",
          object: null,
          rowIndex: null,
          field: null,
          message: "default_owner is enabled but no defaultOwnerId is set",
          line: null,
        },
      ],
    });
    await renderScreen();
    const sf = await screen.findByTestId("sf-field-Lead_Score__c");
    expect(sf.textContent).toContain("Lead Score");
    expect(sf.textContent).toContain("double(18, 0)");
    expect(sf.textContent).toContain("create");
    expect(sf.textContent).toContain("update");
    expect(sf.textContent).toContain("← qualificationScore");
    expect(screen.getByTestId("sf-field-LastName").textContent).toContain("required");
    expect(screen.queryByTestId("sf-field-Id")).toBeNull();

    const rowProblems = await screen.findByTestId("row-problems-Lead-Lead_Score__c");
    expect(rowProblems.textContent).toContain("Error");
    expect(rowProblems.textContent).toContain("cannot hold text");
    expect(screen.getByTestId("validation-counts").textContent).toContain("1 error and 1 warning");
    expect(screen.getByTestId("validation-problems").textContent).toContain("Routing");
    expect(within(screen.getByTestId("tab-Lead")).getByText("1")).toBeTruthy();

    fireEvent.change(screen.getByTestId("sf-field-search"), { target: { value: "tit" } });
    expect(screen.getByTestId("sf-fields").querySelectorAll("li")).toHaveLength(1);
  });

  it("maps by keyboard drag and drop, announcing each step", async () => {
    backend({ connected: true });
    await renderScreen();
    fireEvent.click(screen.getByTestId("tab-Account"));
    await screen.findByTestId("sf-field-Website");
    // Everything dnd-kit's live region says, in order.
    const heard: string[] = [];
    const observer = new MutationObserver(() => {
      const text = document.querySelector('[id^="DndLiveRegion"]')?.textContent ?? "";
      if (text && heard.at(-1) !== text) heard.push(text);
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    const chip = screen.getByTestId("chat-field-website");
    expect(chip.getAttribute("aria-describedby")).toBeTruthy();
    chip.focus();
    fireEvent.keyDown(chip, { code: "Space", key: " " });
    // jsdom has no layout, so the field is "over" the first drop target at once and React
    // renders only that announcement; the wording of each is covered in dnd.test.ts.
    await waitFor(() => expect(chip.getAttribute("aria-pressed")).toBe("true"));
    fireEvent.keyDown(document, { code: "ArrowDown", key: "ArrowDown" });
    await waitFor(() => expect(heard).toContain("Chat field website is over Account Website."));
    fireEvent.keyDown(document, { code: "Space", key: " " });
    const row = await screen.findByTestId("row-Account-Website");
    expect(row.textContent).toContain("website");
    await waitFor(() => expect(heard).toContain("Mapped website to Account Website."));
    observer.disconnect();
    // The screen-reader instructions the chat fields point to.
    expect(document.body.textContent).toContain("press Space or Enter to pick it up");
  });

  it("picks the campaign and stage from the org", async () => {
    const core = backend({ connected: true });
    await renderScreen();
    fireEvent.click(screen.getByTestId("tab-settings"));
    const campaign = (await screen.findByTestId("campaign")) as HTMLSelectElement;
    fireEvent.change(campaign, { target: { value: "701000000000001AAA" } });
    fireEvent.click(screen.getByTestId("opportunity-on"));
    const stage = screen.getByTestId("opportunity-stage") as HTMLSelectElement;
    expect([...stage.options].map((o) => o.value)).toEqual(["Prospecting", "Qualification"]);
    fireEvent.change(screen.getByTestId("criteria-minimum"), { target: { value: "score" } });
    fireEvent.change(screen.getByTestId("criteria-minimum-number"), { target: { value: "75" } });
    fireEvent.change(screen.getByTestId("sync-delay"), { target: { value: "-3" } });
    expect(screen.getByText("Enter a whole number from 0 to 10080.")).toBeTruthy();
    fireEvent.click(screen.getByTestId("save"));
    await waitFor(() => expect(core.saved).toHaveLength(1));
    const doc = core.saved[0];
    expect(doc?.campaignId).toBe("701000000000001AAA");
    expect(doc?.opportunity.enabled).toBe(true);
    expect(doc?.criteria.minimumScore).toEqual({ score: 75 });
    expect(doc?.criteria.syncDelayMinutes).toBe(0);
  });

  it("shows the error the core returns when it refuses to save", async () => {
    backend({
      connected: true,
      saveError: { code: "INVALID_INPUT", message: "criteria.starBands: bands must rise [INVALID_SCORE]" },
    });
    await renderScreen();
    fireEvent.click(screen.getByTestId("overwrite-Lead-Email"));
    fireEvent.click(screen.getByTestId("save"));
    expect(await screen.findByText("criteria.starBands: bands must rise [INVALID_SCORE]")).toBeTruthy();
    expect(screen.getByText("INVALID_INPUT")).toBeTruthy();
    expect(screen.getByTestId("unsaved")).toBeTruthy();
  });
});

describe("leaving and history", () => {
  it("asks before leaving with unsaved changes", async () => {
    backend({ connected: false });
    window.location.hash = "#/mapping";
    render(
      <>
        <a href="#/routing">Routing</a>
        <MappingScreen />
      </>,
    );
    await screen.findByTestId("row-Lead-Email");
    // Nothing to lose: the link just works.
    const link = screen.getByRole("link", { name: "Routing" });
    expect(fireEvent.click(link)).toBe(true);
    await waitFor(() => expect(window.location.hash).toBe("#/routing"));

    window.location.hash = "#/mapping";
    await waitFor(() => expect(window.location.hash).toBe("#/mapping"));
    fireEvent.click(screen.getByTestId("remove-Lead-Email"));
    expect(fireEvent.click(link)).toBe(false);
    expect(await screen.findByText("Leave without saving?")).toBeTruthy();
    fireEvent.click(screen.getByTestId("leave-stay"));
    expect(screen.queryByText("Leave without saving?")).toBeNull();
    expect(window.location.hash).toBe("#/mapping");

    fireEvent.click(link);
    fireEvent.click(await screen.findByTestId("leave-discard"));
    await waitFor(() => expect(window.location.hash).toBe("#/routing"));
  });

  it("compares a version with the one in force and reverts after confirmation", async () => {
    const core = backend({ connected: false, history: true });
    core.current = versioned(2);
    await renderScreen();
    fireEvent.click(screen.getByTestId("tab-history"));
    expect((await screen.findByTestId("version-2")).textContent).toContain("in force");
    fireEvent.click(screen.getByTestId("compare-1"));
    expect((await screen.findByTestId("diff-lines")).textContent).toContain(
      "Account: added website → Website",
    );
    expect(core.calls.find((c) => c.cmd === "mapping_diff")?.args).toEqual({ from: 1, to: 2 });
    fireEvent.click(screen.getByTestId("revert"));
    expect(core.calls.some((c) => c.cmd === "mapping_revert")).toBe(false);
    await act(async () => {
      fireEvent.click(await screen.findByTestId("confirm-revert"));
    });
    await waitFor(() => expect(screen.getByTestId("mapping-version").textContent).toBe("Version 3"));
    expect(core.calls.find((c) => c.cmd === "mapping_revert")?.args).toEqual({ version: 1 });
  });
});
