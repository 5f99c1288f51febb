import { emit } from "@tauri-apps/api/event";
import { mockIPC } from "@tauri-apps/api/mocks";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { RETRY_PROGRESS_EVENT } from "../../api";
import type { Delivery } from "../../bindings/Delivery";
import type { DeliveryDetail } from "../../bindings/DeliveryDetail";
import type { DeliveryQuery } from "../../bindings/DeliveryQuery";
import type { StatsPoint } from "../../bindings/StatsPoint";
import type { SyncReport } from "../../bindings/SyncReport";
import { giveScrollHeight } from "../../testLayout";
import { DeliveriesScreen } from "./DeliveriesScreen";
import { filtersFromHash, NO_FILTERS, PAGE_SIZE, toQuery } from "./useDeliveryWindow";

function delivery(id: number, overrides: Partial<Delivery> = {}): Delivery {
  return {
    id,
    batchId: 1,
    trigger: "manual",
    retryOf: null,
    email: `person${id}@example.com`,
    contactName: `Person ${id}`,
    company: "Acme",
    object: "Lead",
    action: "create",
    status: "succeeded",
    salesforceId: `00Q00000000000${id}`,
    ownerId: null,
    ownerReason: null,
    opportunityId: null,
    campaignMemberId: null,
    error: null,
    attempts: 1,
    createdAt: "2026-04-05T14:30:00.000Z",
    updatedAt: "2026-04-05T14:30:01.000Z",
    finishedAt: "2026-04-05T14:30:01.000Z",
    ...overrides,
  };
}

const FAILED = delivery(7, {
  status: "failed",
  salesforceId: null,
  email: "refused@prospect.example",
  contactName: "Rita Refused",
  error: {
    code: "REQUIRED_FIELD_MISSING",
    message: "Required fields are missing: [LastName]",
    fields: ["LastName"],
    httpStatus: 400,
    salesforceCode: "REQUIRED_FIELD_MISSING",
  },
});

const DETAIL: DeliveryDetail = {
  delivery: FAILED,
  payload: '{"Email":"refused@prospect.example","Company":"Prospect"}',
  attempts: [
    {
      id: 1,
      deliveryId: 7,
      attempt: 1,
      startedAt: "2026-04-05T14:30:00.000Z",
      finishedAt: "2026-04-05T14:30:00.120Z",
      durationMs: 120,
      method: "POST",
      path: "/services/data/v66.0/composite/sobjects",
      requestBody: '{"attributes":{"type":"Lead"},"Email":"refused@prospect.example"}',
      responseStatus: 200,
      responseBody:
        '{"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]}]}',
      error: {
        code: "REQUIRED_FIELD_MISSING",
        message: "Required fields are missing: [LastName]",
        fields: ["LastName"],
      },
      outcome: "failed_permanent",
      apiUsage: "api-usage=18/15000",
    },
  ],
  retriedBy: [],
};

const STATS: StatsPoint[] = Array.from({ length: 30 }, (_, i) => ({
  bucketStart: new Date(Date.UTC(2026, 3, 1 + i)).toISOString(),
  succeeded: i,
  failed: i % 5 === 0 ? 2 : 0,
  skipped: 0,
}));

type Call = { cmd: string; payload: unknown };

/** A log of `all` deliveries behind deliveries_list, honouring limit, offset and status. */
function log(all: Delivery[], extra: Record<string, (payload: unknown) => unknown> = {}) {
  const calls: Call[] = [];
  mockIPC(
    (cmd, payload) => {
      calls.push({ cmd, payload });
      if (cmd === "deliveries_list") {
        const q = (payload as { query: DeliveryQuery }).query;
        const matching = q.status ? all.filter((d) => q.status?.includes(d.status)) : all;
        const offset = q.offset ?? 0;
        const limit = q.limit ?? 100;
        return {
          offset,
          rows: matching.slice(offset, offset + limit),
          hasMore: offset + limit < matching.length,
          total: offset === 0 ? matching.length : null,
        };
      }
      if (cmd === "deliveries_stats") return STATS;
      if (cmd === "deliveries_error_codes") return [{ code: "REQUIRED_FIELD_MISSING", count: 1 }];
      if (cmd === "deliveries_settings") return { retentionDays: 90 };
      const h = extra[cmd];
      if (!h) throw new Error(`unexpected command ${cmd}`);
      return h(payload);
    },
    { shouldMockEvents: true },
  );
  const queries = () =>
    calls
      .filter((c) => c.cmd === "deliveries_list")
      .map((c) => (c.payload as { query: DeliveryQuery }).query);
  return { calls, queries };
}

giveScrollHeight("dl-scroll", 440);

describe("Deliveries screen", () => {
  it("says what to do next when nothing was delivered yet", async () => {
    log([]);
    render(<DeliveriesScreen />);
    const empty = await screen.findByTestId("deliveries-empty");
    expect(empty.textContent).toContain("No deliveries yet");
    expect(empty.textContent).toContain("leadbridge sync");
    expect(within(empty).getByRole("link", { name: "Contacts" }).getAttribute("href")).toBe("#/contacts");
    expect(screen.queryByTestId("deliveries-chart")).toBeNull();
  });

  it("lists deliveries with their status, error code and attempts, and draws the chart", async () => {
    log([FAILED, delivery(6), delivery(5, { status: "skipped", error: null, trigger: "webhook" })]);
    render(<DeliveriesScreen />);
    const rows = await screen.findAllByTestId("delivery-row");
    expect(rows).toHaveLength(3);
    const first = rows[0] as HTMLElement;
    expect(first.textContent).toContain("refused@prospect.example");
    expect(first.textContent).toContain("Rita Refused");
    expect(first.textContent).toContain("Failed");
    expect(first.textContent).toContain("REQUIRED_FIELD_MISSING");
    expect((rows[2] as HTMLElement).textContent).toContain("webhook");
    expect(screen.getByTestId("deliveries-count").textContent).toBe("3 deliveries");
    const chart = screen.getByTestId("deliveries-chart");
    expect(chart.textContent).toContain("Last 30 days");
    expect(chart.textContent).toContain("12 failed");
    expect(chart.querySelectorAll("rect.dl-bar-failed")).toHaveLength(6);
  });

  it("fetches only the pages it scrolls to, never the whole log", async () => {
    const all = Array.from({ length: 5000 }, (_, i) => delivery(5000 - i));
    const { queries } = log(all);
    render(<DeliveriesScreen />);
    await screen.findAllByTestId("delivery-row");
    expect(screen.getByTestId("deliveries-count").textContent).toBe("5,000 deliveries");
    const scroller = screen.getByTestId("deliveries-scroll");
    await act(async () => {
      scroller.scrollTop = 44 * 2500;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(queries().some((q) => q.offset === 25 * PAGE_SIZE)).toBe(true));
    expect(queries().every((q) => q.limit === PAGE_SIZE)).toBe(true);
    expect(queries().length).toBeLessThan(6);
  });

  it("filters by status and sorts by a column header", async () => {
    const { queries } = log([FAILED, delivery(6)]);
    render(<DeliveriesScreen />);
    await screen.findAllByTestId("delivery-row");
    fireEvent.change(screen.getByTestId("filter-status"), { target: { value: "failed" } });
    await waitFor(() => expect(screen.getAllByTestId("delivery-row")).toHaveLength(1));
    expect(queries().at(-1)?.status).toEqual(["failed"]);
    expect(screen.getByTestId("deliveries-count").textContent).toBe("1 delivery matches");

    fireEvent.click(screen.getByTestId("sort-email"));
    await waitFor(() => expect(queries().at(-1)?.sort).toBe("email"));
    expect(queries().at(-1)?.descending).toBe(false);
    fireEvent.click(screen.getByTestId("sort-email"));
    await waitFor(() => expect(queries().at(-1)?.descending).toBe(true));
  });

  it("opens on a push's failures from the push summary's link, and widens to every push", async () => {
    const { queries } = log([FAILED, delivery(6)]);
    window.location.hash = "#/deliveries?status=failed&batch=4";
    try {
      render(<DeliveriesScreen />);
      await screen.findAllByTestId("delivery-row");
      expect(queries()[0]).toMatchObject({ status: ["failed"], batchId: 4 });
      expect((screen.getByTestId("filter-status") as HTMLSelectElement).value).toBe("failed");
      expect(screen.getByTestId("filter-batch").textContent).toContain("Push #4");
      fireEvent.click(screen.getByTestId("filter-batch-clear"));
      await waitFor(() => expect(queries().at(-1)?.batchId).toBeUndefined());
      expect(queries().at(-1)?.status).toEqual(["failed"]);
      expect(screen.queryByTestId("filter-batch")).toBeNull();
    } finally {
      window.location.hash = "";
    }
    expect(filtersFromHash("#/deliveries?status=nonsense&batch=x")).toEqual(NO_FILTERS);
  });

  it("turns local calendar days into an inclusive instant range", () => {
    const q = toQuery({ ...NO_FILTERS, from: "2026-04-01", to: "2026-04-03", errorCode: "STRING_TOO_LONG" });
    expect(q.createdFrom).toBe(new Date(2026, 3, 1).toISOString());
    expect(q.createdTo).toBe(new Date(2026, 3, 4).toISOString());
    expect(q.errorCode).toBe("STRING_TOO_LONG");
  });

  it("opens a delivery with its Salesforce error, payload and attempt timeline", async () => {
    log([FAILED], { deliveries_get: () => DETAIL });
    render(<DeliveriesScreen />);
    fireEvent.click(await screen.findByTestId("delivery-open"));
    const panel = await screen.findByTestId("delivery-panel");
    await within(panel).findByTestId("delivery-error");
    expect(within(panel).getByTestId("delivery-error-code").textContent).toBe("REQUIRED_FIELD_MISSING");
    expect(panel.textContent).toContain("Required fields are missing: [LastName]");
    expect(panel.textContent).toContain("LastName");
    expect(within(panel).getByTestId("delivery-payload").textContent).toContain('"Company": "Prospect"');
    const attempts = within(panel).getAllByTestId("attempt");
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.textContent).toContain("POST /services/data/v66.0/composite/sobjects");
    expect(within(panel).getByTestId("attempt-response").textContent).toContain('"success": false');
    fireEvent.keyDown(window, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("delivery-panel")).toBeNull());
  });

  it("asks before retrying all failed deliveries, naming the count, and shows progress and the result", async () => {
    let finish: (r: SyncReport) => void = () => {};
    const { calls } = log([FAILED, delivery(6), delivery(4, { status: "failed", error: FAILED.error })], {
      deliveries_retry: () => new Promise<SyncReport>((resolve) => (finish = resolve)),
    });
    render(<DeliveriesScreen />);
    await screen.findAllByTestId("delivery-row");
    fireEvent.click(screen.getByTestId("retry-all"));
    const question = await screen.findByTestId("retry-question");
    expect(question.textContent).toContain("2 failed deliveries will be sent again");
    expect(screen.getByTestId("retry-confirm").textContent).toBe("Retry 2 deliveries");
    fireEvent.click(screen.getByTestId("retry-confirm"));
    await screen.findByTestId("retry-progress");
    await act(async () => {
      await emit(RETRY_PROGRESS_EVENT, {
        total: 2,
        done: 1,
        succeeded: 1,
        failed: 0,
        skipped: 0,
        phase: 1,
        apiCalls: 3,
      });
    });
    await waitFor(() =>
      expect(screen.getByTestId("retry-progress").textContent).toContain("1 of 2 deliveries done"),
    );
    await act(async () =>
      finish({
        batchId: 2,
        results: [
          {
            email: "a@x.com",
            status: "succeeded",
            action: "created",
            object: "Lead",
            id: "00Q1",
            ownerId: null,
            ownerReason: null,
            opportunityId: null,
            campaignMemberId: null,
            error: null,
            deliveryId: 9,
            attempts: 1,
          },
        ],
        pending: [],
        cancelled: false,
        apiCalls: 1,
        lookupCalls: 1,
      }),
    );
    expect((await screen.findByTestId("retry-report")).textContent).toContain("1 succeeded, 0 failed");
    const retry = calls.find((c) => c.cmd === "deliveries_retry");
    expect(retry?.payload).toEqual({ ids: null });
  });

  it("retries and resolves only the failed deliveries among the selected ones", async () => {
    const { calls } = log([FAILED, delivery(6)], {
      deliveries_retry: () => ({
        batchId: 2,
        results: [],
        pending: [],
        cancelled: false,
        apiCalls: 0,
        lookupCalls: 0,
      }),
      deliveries_mark_resolved: () => 1,
    });
    render(<DeliveriesScreen />);
    await screen.findAllByTestId("delivery-row");
    fireEvent.click(screen.getByLabelText("Select delivery 7 (refused@prospect.example)"));
    fireEvent.click(screen.getByLabelText("Select delivery 6 (person6@example.com)"));
    expect(screen.getByTestId("deliveries-count").textContent).toBe("2 of 2 selected");
    expect(screen.getByTestId("retry-selected").textContent).toBe("Retry 1 selected");
    fireEvent.click(screen.getByTestId("retry-selected"));
    expect((await screen.findByTestId("retry-question")).textContent).toContain(
      "1 failed delivery will be sent again",
    );
    fireEvent.click(screen.getByTestId("retry-confirm"));
    await screen.findByTestId("retry-report");
    expect(calls.find((c) => c.cmd === "deliveries_retry")?.payload).toEqual({ ids: [7] });

    // The log reloads after the retry: select again once the rows are back.
    fireEvent.click(await screen.findByLabelText("Select delivery 7 (refused@prospect.example)"));
    fireEvent.click(screen.getByTestId("resolve-selected"));
    expect(await screen.findByText("1 delivery marked resolved.")).toBeTruthy();
    expect(calls.find((c) => c.cmd === "deliveries_mark_resolved")?.payload).toEqual({ ids: [7] });
  });

  it("exports the filtered log and says where the file is", async () => {
    const { calls } = log([FAILED], {
      deliveries_export_csv: () => ({
        path: "/home/me/Downloads/leadbridge-deliveries-20260405-143000.csv",
        rows: 1,
      }),
    });
    render(<DeliveriesScreen />);
    await screen.findAllByTestId("delivery-row");
    fireEvent.change(screen.getByTestId("filter-status"), { target: { value: "failed" } });
    fireEvent.click(screen.getByTestId("export-csv"));
    const done = await screen.findByTestId("export-done");
    expect(done.textContent).toContain(
      "Exported 1 delivery to /home/me/Downloads/leadbridge-deliveries-20260405-143000.csv",
    );
    const exportCall = calls.find((c) => c.cmd === "deliveries_export_csv");
    const q = (exportCall?.payload as { query: DeliveryQuery } | undefined)?.query;
    expect(q?.status).toEqual(["failed"]);
    expect(q?.limit).toBeUndefined();
  });

  it("shows a failed retry's error with its code", async () => {
    log([FAILED], {
      deliveries_retry: () => {
        throw { code: "NOT_CONNECTED", message: "no Salesforce org is connected" };
      },
    });
    render(<DeliveriesScreen />);
    await screen.findAllByTestId("delivery-row");
    fireEvent.click(screen.getByTestId("retry-all"));
    fireEvent.click(await screen.findByTestId("retry-confirm"));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("no Salesforce org is connected");
  });

  it("saves the retention and reports what was pruned", async () => {
    const { calls } = log([delivery(1)], {
      deliveries_set_settings: () => ({ deliveries: 3, attempts: 3, batches: 1 }),
    });
    render(<DeliveriesScreen />);
    await screen.findAllByTestId("delivery-row");
    fireEvent.click(await screen.findByText("Retention: 90 days"));
    const days = await screen.findByTestId("retention-days");
    fireEvent.change(days, { target: { value: "-1" } });
    expect((screen.getByTestId("retention-save") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(days, { target: { value: "30" } });
    fireEvent.click(screen.getByTestId("retention-save"));
    expect(await screen.findByText("3 old deliveries were removed.")).toBeTruthy();
    expect(calls.find((c) => c.cmd === "deliveries_set_settings")?.payload).toEqual({
      settings: { retentionDays: 30 },
    });
  });
});

describe("Deliveries screen over a big log", () => {
  it("fetches where a fast scroll stops, not every page it flies past", async () => {
    const all = Array.from({ length: 50_000 }, (_, i) => delivery(50_000 - i));
    const { queries } = log(all);
    render(<DeliveriesScreen />);
    await screen.findAllByTestId("delivery-row");
    expect(screen.getByTestId("deliveries-count").textContent).toBe("50,000 deliveries");
    const scroller = screen.getByTestId("deliveries-scroll");
    // 30 scroll steps of 1,000 rows, faster than the fetch debounce.
    act(() => {
      for (let i = 1; i <= 30; i++) {
        scroller.scrollTop = 44 * 1000 * i;
        fireEvent.scroll(scroller);
      }
    });
    await waitFor(() => expect(queries().some((q) => q.offset === 30_000)).toBe(true));
    await waitFor(() =>
      expect(screen.getAllByTestId("delivery-row")[0]?.getAttribute("data-delivery-id")).toBe(
        String(50_000 - 30_000 + 12),
      ),
    );
    const offsets = queries().map((q) => q.offset ?? 0);
    // The first pages (and the one prefetched after them), then only around where it stopped.
    expect(offsets.filter((o) => o > 100 && (o < 29_800 || o > 30_200))).toEqual([]);
  });

  it("counts a million deliveries with grouped digits and reaches the last one", async () => {
    const total = 1_000_000;
    const requested: number[] = [];
    mockIPC((cmd, payload) => {
      if (cmd === "deliveries_list") {
        const q = (payload as { query: DeliveryQuery }).query;
        const offset = q.offset ?? 0;
        requested.push(offset);
        const rows = Array.from({ length: Math.min(q.limit ?? 100, total - offset) }, (_, i) =>
          delivery(total - offset - i),
        );
        return { offset, rows, hasMore: offset + rows.length < total, total };
      }
      if (cmd === "deliveries_stats") return STATS;
      if (cmd === "deliveries_error_codes") return [];
      if (cmd === "deliveries_settings") return { retentionDays: 90 };
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<DeliveriesScreen />);
    await screen.findAllByTestId("delivery-row");
    expect(screen.getByTestId("deliveries-count").textContent).toBe("1,000,000 deliveries");
    const scroller = screen.getByTestId("deliveries-scroll");
    fireEvent.keyDown(scroller, { key: "End" });
    await waitFor(() =>
      expect(screen.getAllByTestId("delivery-row").at(-1)?.getAttribute("aria-rowindex")).toBe("1000001"),
    );
    expect(screen.getAllByTestId("delivery-row").at(-1)?.getAttribute("data-delivery-id")).toBe("1");
    // The start, the page prefetched after it, and the end's page: nothing in between.
    expect(requested).toContain(999_900);
    expect(requested.filter((o) => o !== 0 && o !== 100 && o !== 999_900)).toEqual([]);
  });
});
