import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { Contact } from "../../bindings/Contact";
import type { ContactQuery } from "../../bindings/ContactQuery";
import type { ImportReport } from "../../bindings/ImportReport";
import { ContactsScreen } from "./ContactsScreen";
import { MAX_UI_IMPORT_BYTES } from "./ImportButton";
import { contact, giveInboxHeight, mockInbox } from "./testIpc";
import { PAGE_SIZE } from "./useContactWindow";

const REPORT: ImportReport = {
  format: "ndjson",
  rows: 13,
  created: 2,
  updated: 1,
  unchanged: 0,
  eventsApplied: 0,
  eventsUnchanged: 0,
  rejected: 2,
  duplicates: [{ line: 3, index: null, firstLine: 1 }],
  errors: [
    { line: 4, index: null, field: "lead.email", message: "is missing" },
    { line: 6, index: null, field: "lead.qualificationScore", message: "must be between 0 and 100, got 150" },
  ],
  warnings: [],
};

giveInboxHeight();

describe("Contacts screen", () => {
  it("says what to do next when the inbox is empty", async () => {
    mockInbox([]);
    render(<ContactsScreen />);
    const empty = await screen.findByTestId("contacts-empty");
    expect(empty.textContent).toContain("No contacts yet");
    expect(empty.textContent).toContain("JSON, NDJSON or CSV");
    expect(empty.textContent).toContain("lead.qualified");
    expect(within(empty).getByRole("button", { name: "Import file…" })).toBeTruthy();
  });

  it("lists contacts with stars for the default score bands and their delivery status", async () => {
    mockInbox([
      contact(1, { qualificationScore: 87, email: "alex@company.com", emailKey: "alex@company.com" }),
      contact(2, { qualificationScore: 45, lastDeliveryStatus: "failed" }),
      contact(3, {
        qualificationScore: null,
        salesforceLeadId: "00Q000000000001AAA",
        conversationStatus: "closed",
      }),
    ]);
    render(<ContactsScreen />);
    const rows = await screen.findAllByTestId("inbox-row");
    expect(rows).toHaveLength(3);
    const [first, second, third] = rows as [HTMLElement, HTMLElement, HTMLElement];
    expect(first.textContent).toContain("alex@company.com");
    expect(first.querySelector(".stars-on")?.textContent).toBe("★★★");
    expect(first.textContent).toContain("3 of 3 stars");
    expect(second.querySelector(".stars-on")?.textContent).toBe("★");
    expect(second.querySelector(".stars-off")?.textContent).toBe("★★");
    expect(second.textContent).toContain("failed");
    expect(third.querySelector(".stars")).toBeNull();
    expect(third.textContent).toContain("delivered");
    expect(third.textContent).toContain("closed");
    expect(screen.getByTestId("contacts-count").textContent).toBe("3 contacts");
  });

  it("fetches windows of rows with limit and offset as the table scrolls", async () => {
    const all = Array.from({ length: 250 }, (_, i) => contact(i));
    const { queries } = mockInbox(all);
    render(<ContactsScreen />);
    await screen.findAllByTestId("inbox-row");
    expect(queries()).toEqual([{ sort: "receivedDesc", limit: PAGE_SIZE, offset: 0 }]);
    // Only what is on screen (plus overscan) is in the DOM.
    expect(screen.getAllByTestId("inbox-row").length).toBeLessThan(40);

    const scroller = screen.getByTestId("inbox");
    await act(async () => {
      scroller.scrollTop = 240 * 44;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(screen.getByText("person249@example.com")).toBeTruthy());
    const offsets = queries().map((q) => q.offset);
    expect(offsets).toContain(200);
    // Each page is fetched once.
    expect(new Set(offsets).size).toBe(offsets.length);
  });

  it("searches after a pause and combines the filters", async () => {
    const { queries } = mockInbox([contact(1)]);
    render(<ContactsScreen />);
    await screen.findAllByTestId("inbox-row");
    fireEvent.change(screen.getByTestId("contacts-search"), { target: { value: "glob" } });
    fireEvent.change(screen.getByTestId("contacts-search"), { target: { value: "globex" } });
    await waitFor(() => expect(queries().some((q) => q.search === "globex")).toBe(true));
    expect(queries().some((q) => q.search === "glob")).toBe(false);

    fireEvent.change(screen.getByTestId("filter-status"), { target: { value: "closed" } });
    fireEvent.change(screen.getByTestId("filter-score"), { target: { value: "80" } });
    fireEvent.change(screen.getByTestId("filter-delivered"), { target: { value: "false" } });
    fireEvent.change(screen.getByTestId("sort"), { target: { value: "scoreDesc" } });
    await waitFor(() =>
      expect(queries().at(-1)).toEqual({
        sort: "scoreDesc",
        search: "globex",
        status: "closed",
        minScore: 80,
        delivered: false,
        limit: PAGE_SIZE,
        offset: 0,
      }),
    );
  });

  it("says when filters match nothing and clears them", async () => {
    const { queries } = mockInbox([], {
      contacts_list: (payload) => {
        const q = (payload as { query: ContactQuery }).query;
        return q.status === "closed" ? { contacts: [], total: 0 } : { contacts: [contact(1)], total: 1 };
      },
    });
    render(<ContactsScreen />);
    await screen.findAllByTestId("inbox-row");
    fireEvent.change(screen.getByTestId("filter-status"), { target: { value: "closed" } });
    const none = await screen.findByTestId("contacts-no-match");
    fireEvent.click(within(none).getByRole("button", { name: "Clear filters" }));
    await screen.findAllByTestId("inbox-row");
    expect(queries().at(-1)?.status).toBeUndefined();
  });

  it("selects rows, then every contact matching the filter", async () => {
    mockInbox(Array.from({ length: 150 }, (_, i) => contact(i)));
    render(<ContactsScreen />);
    const rows = await screen.findAllByTestId("inbox-row");
    fireEvent.click(within(rows[0] as HTMLElement).getByRole("checkbox"));
    expect(screen.getByTestId("contacts-count").textContent).toBe("1 of 150 selected");
    const header = screen.getByTestId("select-all") as HTMLInputElement;
    expect(header.indeterminate).toBe(true);

    fireEvent.click(screen.getByRole("button", { name: "Select all 150 matching" }));
    expect(screen.getByTestId("contacts-count").textContent).toBe("150 of 150 selected");
    expect(header.checked).toBe(true);
    // Unticking one row after "select all" keeps the rest.
    fireEvent.click(within(rows[1] as HTMLElement).getByRole("checkbox"));
    expect(screen.getByTestId("contacts-count").textContent).toBe("149 of 150 selected");

    fireEvent.click(screen.getByRole("button", { name: "Clear selection" }));
    expect(screen.getByTestId("contacts-count").textContent).toBe("150 contacts");
    fireEvent.click(header);
    expect(screen.getByTestId("contacts-count").textContent).toBe("150 of 150 selected");
  });

  it("leaves push disabled and says why until rows are selected", async () => {
    mockInbox([contact(1)]);
    render(<ContactsScreen />);
    await screen.findAllByTestId("inbox-row");
    for (const id of ["push-preview", "push-start"]) {
      const button = screen.getByTestId(id) as HTMLButtonElement;
      await waitFor(() =>
        expect(button.parentElement?.getAttribute("title")).toBe("Select the contacts to push"),
      );
      expect(button.disabled).toBe(true);
    }
  });

  it("imports the chosen file's bytes and shows the report with each rejected row", async () => {
    let imported: Contact[] = [];
    // An inbox that fills up on import.
    const { calls } = mockInbox([], {
      contacts_list: () => ({ contacts: imported, total: imported.length }),
      contacts_import: () => {
        imported = [contact(1), contact(2)];
        return REPORT;
      },
    });
    render(<ContactsScreen />);
    await screen.findByTestId("contacts-empty");
    const text = '{"event":"lead.qualified"}\n';
    const file = new File([text], "leads.ndjson", { type: "application/x-ndjson" });
    fireEvent.change(screen.getByTestId("import-file"), { target: { files: [file] } });

    const report = await screen.findByTestId("import-report");
    expect(report.textContent).toContain("Imported leads.ndjson");
    expect(screen.getByTestId("import-created").textContent).toBe("2 new contacts");
    expect(screen.getByTestId("import-updated").textContent).toBe("1 updated");
    expect(screen.getByTestId("import-rejected").textContent).toBe("2 rows rejected");
    const errorRows = within(screen.getByTestId("import-errors")).getAllByRole("row").slice(1);
    expect(errorRows.map((r) => Array.from(r.querySelectorAll("td")).map((td) => td.textContent))).toEqual([
      ["4", "lead.email", "is missing"],
      ["6", "lead.qualificationScore", "must be between 0 and 100, got 150"],
    ]);
    expect(report.textContent).toContain("line 3 repeats line 1");

    const sent = calls.find((c) => c.cmd === "contacts_import")?.payload;
    expect(sent).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(sent as Uint8Array)).toBe(text);
    // The inbox reloads with the new contacts.
    expect(await screen.findAllByTestId("inbox-row")).toHaveLength(2);
    expect(calls.filter((c) => c.cmd === "contacts_list").length).toBe(2);
  });

  it("refuses a file too large for the window before reading it", async () => {
    const calls = mockInbox([]).calls;
    render(<ContactsScreen />);
    await screen.findByTestId("contacts-empty");
    const file = new File(["x"], "huge.csv");
    Object.defineProperty(file, "size", { value: MAX_UI_IMPORT_BYTES + 1 });
    fireEvent.change(screen.getByTestId("import-file"), { target: { files: [file] } });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("INVALID_INPUT");
    expect(alert.textContent).toContain("huge.csv");
    expect(alert.textContent).toContain("leadbridge contacts import");
    expect(calls.some((c) => c.cmd === "contacts_import")).toBe(false);
  });

  it("shows a file-level import error with its code", async () => {
    mockInbox([], {
      contacts_import: () => {
        throw { code: "INVALID_INPUT", message: "the file is empty: nothing to import" };
      },
    });
    render(<ContactsScreen />);
    await screen.findByTestId("contacts-empty");
    fireEvent.change(screen.getByTestId("import-file"), {
      target: { files: [new File([""], "empty.json")] },
    });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("INVALID_INPUT");
    expect(alert.textContent).toContain("the file is empty");
  });

  it("opens a contact's details, and its conversation in the system browser", async () => {
    const url = "https://app.hoverbot.ai/conversations/sf-abc124";
    const full = contact(7, {
      email: "Priya.Nair@globex.example",
      emailKey: "priya.nair@globex.example",
      firstName: "Priya",
      lastName: "Nair",
      conversationUrl: url,
      metadata: { companySize: "1000+", budget: "100k+", seats: 40 },
      agents: {
        meetingScheduledWith: "jordan.lee@leadbridge-demo.example",
        lastRouted: null,
        closedBy: null,
      },
      conversations: [
        {
          conversationId: "conv_1001",
          conversationUrl: url,
          workspaceId: "ws_1",
          status: "open",
          closedAt: null,
          qualifiedAt: "2026-04-05T15:02:11.000Z",
          firstSeenAt: "2026-04-05T15:02:11.000Z",
        },
      ],
      events: [
        {
          id: 1,
          kind: "conversation.escalated",
          timestamp: "2026-04-05T15:10:00.000Z",
          conversationId: "conv_1001",
          payload: { reason: "asked for a human" },
          receivedAt: "2026-04-05T15:10:01.000Z",
          salesforceTaskId: null,
        },
      ],
    });
    const { calls } = mockInbox([full], {
      contacts_get: () => full,
      contacts_open_conversation: () => null,
    });
    render(<ContactsScreen />);
    fireEvent.click(await screen.findByText("Priya.Nair@globex.example"));
    const drawer = await screen.findByTestId("contact-drawer");
    await within(drawer).findByText("Metadata");
    expect(calls.find((c) => c.cmd === "contacts_get")?.payload).toEqual({
      email: "Priya.Nair@globex.example",
    });
    expect(within(drawer).getByTestId("drawer-title").textContent).toBe("Priya Nair");
    expect(drawer.textContent).toContain("companySize");
    expect(drawer.textContent).toContain("1000+");
    expect(drawer.textContent).toContain("seats40");
    expect(drawer.textContent).toContain("jordan.lee@leadbridge-demo.example");
    expect(drawer.textContent).toContain("conv_1001");
    expect(within(drawer).getAllByTestId("contact-event")).toHaveLength(1);
    expect(drawer.textContent).toContain("asked for a human");

    const links = within(drawer).getAllByTestId("conversation-link");
    expect(links[0]?.getAttribute("href")).toBe(url);
    fireEvent.click(links[0] as HTMLElement);
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "contacts_open_conversation")?.payload).toEqual({
        email: "Priya.Nair@globex.example",
        url,
      }),
    );

    fireEvent.keyDown(window, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("contact-drawer")).toBeNull());
  });
});
