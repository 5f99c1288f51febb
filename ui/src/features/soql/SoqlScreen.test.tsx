import { mockIPC } from "@tauri-apps/api/mocks";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { ConsoleCheck } from "../../bindings/ConsoleCheck";
import type { HistoryEntry } from "../../bindings/HistoryEntry";
import type { QueryResult } from "../../bindings/QueryResult";
import { giveScrollHeight } from "../../testLayout";
import { SoqlScreen } from "./SoqlScreen";
import { describe_, field, summary } from "./testData";

const ACCEPTED: ConsoleCheck = {
  status: "accepted",
  query: {
    soql: "SELECT Id, Owner.Name FROM Lead",
    object: "Lead",
    fields: ["Id", "Owner.Name"],
    hasLimit: false,
    limit: null,
    isCount: false,
  },
};

const REFUSED: ConsoleCheck = {
  status: "refused",
  refusal: {
    message: "refused at column 1: DELETE is a data-changing statement; the console only runs SELECT queries",
    reason: "DELETE is a data-changing statement; the console only runs SELECT queries",
    column: 1,
    line: 1,
    lineColumn: 1,
    utf16Offset: 0,
  },
};

const FIRST_PAGE: QueryResult = {
  columns: ["Id", "Owner.Name"],
  rows: [
    { Id: "00Q1", Owner: { Name: "Dana Whitfield" } },
    { Id: "00Q2", Owner: null },
  ],
  totalSize: 3,
  done: false,
  nextRecordsUrl: "/services/data/v66.0/query/01gX-2",
  isCount: false,
  pages: 1,
};

const LEAD = describe_("Lead", [
  field("Id", { type: "id" }),
  field("Email", { type: "email" }),
  field("OwnerId", { type: "reference", referenceTo: ["Group", "User"], relationshipName: "Owner" }),
]);
const USER = describe_("User", [field("Name"), field("Email", { type: "email" })]);

type Handler = (payload: Record<string, unknown>) => unknown;

function backend(overrides: Record<string, Handler> = {}) {
  const calls: { cmd: string; payload: Record<string, unknown> }[] = [];
  const history: HistoryEntry[] = [];
  const handlers: Record<string, Handler> = {
    soql_check: (p) => (String(p.text).trim().toUpperCase().startsWith("DELETE") ? REFUSED : ACCEPTED),
    soql_history: () => history,
    soql_run: (p) => {
      history.unshift({
        soql: String(p.text),
        ranAt: "2026-04-05T14:30:00.000Z",
        totalSize: 3,
        errorCode: null,
      });
      return FIRST_PAGE;
    },
    soql_next_page: () => ({
      ...FIRST_PAGE,
      rows: [{ Id: "00Q3", Owner: { Name: "Lee Park" } }],
      done: true,
      nextRecordsUrl: null,
    }),
    soql_objects: () => ({
      encoding: null,
      maxBatchSize: null,
      sobjects: [summary("Account"), summary("Lead"), summary("LeadShare", false)],
    }),
    mapping_describe: (p) => (p.object === "User" ? USER : LEAD),
    ...overrides,
  };
  mockIPC((cmd, payload) => {
    const p = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, payload: p });
    const handler = handlers[cmd];
    if (!handler) throw new Error(`unexpected command ${cmd}`);
    return handler(p);
  });
  return { calls, history };
}

function editor(): HTMLTextAreaElement {
  return screen.getByTestId("soql-input") as HTMLTextAreaElement;
}

/** Types `text` with the cursor at `cursor` (default: the end). */
function type(text: string, cursor = text.length) {
  fireEvent.change(editor(), { target: { value: text, selectionStart: cursor, selectionEnd: cursor } });
}

giveScrollHeight("soql-results-scroll", 400);
beforeEach(() => sessionStorage.clear());

describe("SOQL console", () => {
  it("refuses a DELETE as you type: the reason, the spot, and Run disabled", async () => {
    const { calls } = backend();
    render(<SoqlScreen />);
    type("DELETE FROM Lead");
    expect(await screen.findByTestId("soql-refusal")).toHaveProperty(
      "textContent",
      "Refused at line 1, column 1: DELETE is a data-changing statement; the console only runs SELECT queries",
    );
    expect((screen.getByTestId("soql-run") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("refused-token").textContent).toBe("DELETE");
    expect(editor().getAttribute("aria-invalid")).toBe("true");
    fireEvent.keyDown(editor(), { key: "Enter", ctrlKey: true });
    expect(calls.some((c) => c.cmd === "soql_run")).toBe(false);
  });

  it("runs an accepted query, shows nested columns, and loads the next page", async () => {
    let release: (() => void) | null = null;
    const { calls } = backend({
      soql_next_page: () =>
        new Promise((resolve) => {
          release = () =>
            resolve({
              ...FIRST_PAGE,
              rows: [{ Id: "00Q3", Owner: { Name: "Lee Park" } }],
              done: true,
              nextRecordsUrl: null,
            });
        }),
    });
    render(<SoqlScreen />);
    type("SELECT Id, Owner.Name FROM Lead");
    const run = screen.getByTestId("soql-run") as HTMLButtonElement;
    await waitFor(() => expect(run.disabled).toBe(false));
    fireEvent.change(screen.getByTestId("soql-cap"), { target: { value: "10000" } });
    fireEvent.click(run);
    expect(await screen.findByTestId("soql-summary")).toHaveProperty("textContent", "2 of 3 rows");
    expect(calls.find((c) => c.cmd === "soql_run")?.payload).toEqual({
      text: "SELECT Id, Owner.Name FROM Lead",
      maxRows: 10000,
    });
    const table = screen.getByTestId("soql-results");
    expect(within(table).getByText("Owner.Name")).toBeTruthy();
    expect(within(table).getByText("Dana Whitfield")).toBeTruthy();

    // The last loaded row is in view, so the next page is asked for by itself.
    await waitFor(() => expect(screen.getByTestId("soql-load-more").textContent).toBe("Loading…"));
    act(() => release?.());
    await waitFor(() => expect(screen.getByTestId("soql-summary").textContent).toBe("3 of 3 rows"));
    const next = calls.find((c) => c.cmd === "soql_next_page");
    expect(next?.payload).toEqual({
      nextRecordsUrl: "/services/data/v66.0/query/01gX-2",
      columns: ["Id", "Owner.Name"],
    });
    expect(screen.getAllByTestId("soql-row")).toHaveLength(3);
    expect(screen.queryByTestId("soql-load-more")).toBeNull();
  });

  it("copies a cell and exports the loaded rows as CSV", async () => {
    backend({ soql_next_page: () => new Promise(() => {}) });
    const writes: string[] = [];
    Object.defineProperty(navigator, "clipboard", {
      configurable: true,
      value: { writeText: (t: string) => Promise.resolve(void writes.push(t)) },
    });
    const blobs: Blob[] = [];
    URL.createObjectURL = (b: Blob | MediaSource) => {
      blobs.push(b as Blob);
      return "blob:csv";
    };
    URL.revokeObjectURL = () => {};
    render(<SoqlScreen />);
    type("SELECT Id, Owner.Name FROM Lead");
    await waitFor(() => expect((screen.getByTestId("soql-run") as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId("soql-run"));
    fireEvent.click(await screen.findByText("Dana Whitfield"));
    fireEvent.click(screen.getByTestId("copy-cell"));
    await waitFor(() => expect(writes).toEqual(["Dana Whitfield"]));
    fireEvent.click(screen.getByTestId("copy-row"));
    await waitFor(() => expect(writes[1]).toBe("00Q1\tDana Whitfield"));
    // Arrow keys move the picked cell; Ctrl+C copies it.
    fireEvent.keyDown(screen.getByTestId("soql-results"), { key: "ArrowDown" });
    fireEvent.keyDown(screen.getByTestId("soql-results"), { key: "ArrowLeft" });
    fireEvent.keyDown(screen.getByTestId("soql-results"), { key: "c", ctrlKey: true });
    await waitFor(() => expect(writes[2]).toBe("00Q2"));

    fireEvent.click(screen.getByTestId("soql-csv"));
    expect(blobs).toHaveLength(1);
    expect(await blobs[0]?.text()).toBe("Id,Owner.Name\r\n00Q1,Dana Whitfield\r\n00Q2,\r\n");
  });

  it("completes objects after FROM and fields through relationships, by keyboard", async () => {
    const { calls } = backend();
    render(<SoqlScreen />);
    type("SELECT Id FROM Le");
    const list = await screen.findByTestId("soql-completions");
    expect(
      within(list)
        .getAllByTestId("soql-option")
        .map((o) => o.textContent),
    ).toEqual(["OLeadLead label"]);
    fireEvent.keyDown(editor(), { key: "Enter" });
    expect(editor().value).toBe("SELECT Id FROM Lead");
    expect(calls.some((c) => c.cmd === "soql_run")).toBe(false);

    type("SELECT Id, Ow FROM Lead", "SELECT Id, Ow".length);
    const fields = await screen.findByTestId("soql-completions");
    const options = within(fields).getAllByTestId("soql-option");
    expect(options.map((o) => o.textContent?.slice(1, 7))).toEqual(["Owner.", "OwnerI"]);
    fireEvent.keyDown(editor(), { key: "ArrowDown" });
    expect(options[1]?.getAttribute("aria-selected")).toBe("true");
    expect(editor().getAttribute("aria-activedescendant")).toBe(options[1]?.id);
    fireEvent.keyDown(editor(), { key: "ArrowUp" });
    fireEvent.keyDown(editor(), { key: "Tab" });
    expect(editor().value).toBe("SELECT Id, Owner. FROM Lead");
    // The relationship leads on to User's fields (Owner is polymorphic: Group or User).
    const userFields = await screen.findByTestId("soql-completions");
    expect(
      within(userFields)
        .getAllByTestId("soql-option")
        .map((o) => o.textContent?.slice(1, 5)),
    ).toContain("Name");
    await waitFor(() =>
      expect(calls.some((c) => c.cmd === "mapping_describe" && c.payload.object === "User")).toBe(true),
    );
    fireEvent.keyDown(editor(), { key: "Escape" });
    expect(screen.queryByTestId("soql-completions")).toBeNull();
  });

  it("says what to do when no org is connected", async () => {
    backend({
      soql_run: () => {
        throw { code: "NOT_CONNECTED", message: "no Salesforce org is connected; run `org connect`" };
      },
    });
    render(<SoqlScreen />);
    type("SELECT Id FROM Lead");
    await waitFor(() => expect((screen.getByTestId("soql-run") as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId("soql-run"));
    const error = await screen.findByTestId("soql-error");
    expect(within(error).getByText("NOT_CONNECTED")).toBeTruthy();
    expect(within(error).getByRole("link", { name: "Connect" }).getAttribute("href")).toBe("#/connect");
  });

  it("keeps a history that puts a query back in the editor", async () => {
    backend();
    render(<SoqlScreen />);
    type("SELECT Id, Owner.Name FROM Lead");
    await waitFor(() => expect((screen.getByTestId("soql-run") as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId("soql-run"));
    await screen.findByTestId("soql-summary");
    type("");
    fireEvent.click(screen.getByTestId("tab-history"));
    const item = await screen.findByTestId("soql-history-item");
    expect(item.textContent).toContain("SELECT Id, Owner.Name FROM Lead");
    expect(item.textContent).toContain("3 rows");
    fireEvent.click(item);
    expect(editor().value).toBe("SELECT Id, Owner.Name FROM Lead");
  });

  it("previews the app's own queries for an inbox contact and opens one in the console", async () => {
    const { calls } = backend({
      contacts_list: () => ({
        contacts: [
          {
            email: "o'brien@harborlight.example",
            emailKey: "o'brien@harborlight.example",
            firstName: "Siobhan",
            lastName: "O'Brien",
            company: "Harborlight Analytics",
          },
        ],
        total: 1,
      }),
      soql_preview: (p) => ({
        email: p.email,
        notes: ["Ownership rule field SDR__c: Account has no field SDR__c the connected user can see"],
        queries: [
          {
            purpose: "Dedupe: Contacts with this email",
            soql: "SELECT Id, Email FROM Contact WHERE Email IN ('o\\'brien@harborlight.example')",
          },
        ],
      }),
    });
    render(<SoqlScreen />);
    fireEvent.click(screen.getByTestId("tab-preview"));
    fireEvent.click(await screen.findByTestId("soql-preview-contact"));
    const query = await screen.findByTestId("soql-preview-query");
    expect(calls.find((c) => c.cmd === "soql_preview")?.payload).toEqual({
      email: "o'brien@harborlight.example",
    });
    expect(query.textContent).toContain("'o\\'brien@harborlight.example'");
    expect(screen.getByTestId("soql-preview-note").textContent).toContain("SDR__c");
    fireEvent.click(within(query).getByTestId("open-in-console"));
    expect(editor().value).toBe(
      "SELECT Id, Email FROM Contact WHERE Email IN ('o\\'brien@harborlight.example')",
    );
  });

  it("keeps the draft when the screen is left and opened again", async () => {
    backend();
    const first = render(<SoqlScreen />);
    type("SELECT Id FROM Account");
    first.unmount();
    render(<SoqlScreen />);
    expect(editor().value).toBe("SELECT Id FROM Account");
    await act(async () => {});
  });
});
