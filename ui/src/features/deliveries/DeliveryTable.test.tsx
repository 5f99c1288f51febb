import { act, fireEvent, render, screen } from "@testing-library/react";
import type { Delivery } from "../../bindings/Delivery";
import * as format from "../../format";
import { giveScrollHeight } from "../../testLayout";
import { DeliveryTable, ROW_HEIGHT } from "./DeliveryTable";
import { MAX_BODY_HEIGHT, maxScrollTop, scale } from "./scaledRows";
import type { DeliveryWindow } from "./useDeliveryWindow";

// Counts row renders: every rendered delivery row formats its time once.
vi.mock("../../format", async (original) => {
  const actual = await original<typeof import("../../format")>();
  return { ...actual, formatShortDateTime: vi.fn(actual.formatShortDateTime) };
});

const VIEWPORT = 440;
const MILLION = 1_000_000;

function delivery(index: number): Delivery {
  const id = MILLION - index;
  return {
    id,
    batchId: 1,
    trigger: "webhook",
    retryOf: null,
    email: `person${id}@example.com`,
    contactName: null,
    company: null,
    object: "Lead",
    action: "create",
    status: "succeeded",
    salesforceId: null,
    ownerId: null,
    ownerReason: null,
    opportunityId: null,
    campaignMemberId: null,
    error: null,
    attempts: 1,
    createdAt: "2026-04-05T14:30:00.000Z",
    updatedAt: "2026-04-05T14:30:01.000Z",
    finishedAt: "2026-04-05T14:30:01.000Z",
  };
}

/** A window over `total` rows, all loaded (rows are made on demand, once each). */
function fakeWindow(total: number) {
  const made = new Map<number, Delivery>();
  const ensured: [number, number][] = [];
  const w: DeliveryWindow = {
    total,
    error: null,
    row: (i) => {
      let d = made.get(i);
      if (!d) {
        d = delivery(i);
        made.set(i, d);
      }
      return d;
    },
    ensure: (first, last) => ensured.push([first, last]),
  };
  return { w, ensured };
}

function renderTable(total: number) {
  const { w, ensured } = fakeWindow(total);
  const noop = () => {};
  const selected = new Set<number>();
  render(
    <DeliveryTable
      window={w}
      total={total}
      sort="createdAt"
      descending
      onSort={noop}
      selected={selected}
      openId={null}
      onToggle={noop}
      onOpen={noop}
    />,
  );
  const scroller = screen.getByTestId("deliveries-scroll");
  return { scroller, ensured };
}

/** Row positions (0-based) in the DOM, from aria-rowindex. */
function renderedRows(): number[] {
  return screen.getAllByTestId("delivery-row").map((r) => Number(r.getAttribute("aria-rowindex")) - 2);
}

/** Height of the table body as laid out: spacers plus rows. */
function bodyHeight(scroller: HTMLElement): number {
  let h = 0;
  for (const tr of scroller.querySelectorAll("tbody tr")) {
    const spacer = tr.querySelector<HTMLElement>("td[style]");
    h += tr.classList.contains("spacer-row") ? Number.parseFloat(spacer?.style.height ?? "0") : ROW_HEIGHT;
  }
  return h;
}

// The scroll container is VIEWPORT px tall (its header 0).
giveScrollHeight("dl-scroll", VIEWPORT);

const geometry = { rows: MILLION, rowHeight: ROW_HEIGHT, viewport: VIEWPORT };

describe("Deliveries table over a million rows", () => {
  it("renders only the rows in sight and keeps the body under the height cap", () => {
    const { scroller, ensured } = renderTable(MILLION);
    const rows = renderedRows();
    expect(rows[0]).toBe(0);
    expect(rows.length).toBeLessThan(VIEWPORT / ROW_HEIGHT + 2 * 12 + 2);
    expect(bodyHeight(scroller)).toBe(MAX_BODY_HEIGHT);
    expect(ensured.at(-1)).toEqual([0, rows.at(-1)]);
  });

  it("reaches the last row with End, pages with PageDown and PageUp, and goes home with Home", () => {
    const { scroller, ensured } = renderTable(MILLION);
    fireEvent.keyDown(scroller, { key: "End" });
    expect(scroller.scrollTop).toBe(maxScrollTop(geometry));
    expect(renderedRows().at(-1)).toBe(MILLION - 1);
    expect(scroller.dataset.firstVisibleRow).toBe(String(MILLION - VIEWPORT / ROW_HEIGHT));
    expect(ensured.at(-1)?.[1]).toBe(MILLION - 1);
    expect(bodyHeight(scroller)).toBeCloseTo(MAX_BODY_HEIGHT, 3);

    fireEvent.keyDown(scroller, { key: "Home" });
    expect(scroller.scrollTop).toBe(0);
    expect(scroller.dataset.firstVisibleRow).toBe("0");
    // A page is the viewport less one row: 9 rows here.
    fireEvent.keyDown(scroller, { key: "PageDown" });
    expect(scroller.dataset.firstVisibleRow).toBe("9");
    fireEvent.keyDown(scroller, { key: "PageDown" });
    expect(scroller.dataset.firstVisibleRow).toBe("18");
    fireEvent.keyDown(scroller, { key: "PageUp" });
    expect(scroller.dataset.firstVisibleRow).toBe("9");
    fireEvent.keyDown(scroller, { key: "ArrowDown" });
    expect(scroller.dataset.firstVisibleRow).toBe("10");
  });

  it("leaves keys alone while a checkbox is focused, except scrolling keys", () => {
    const { scroller } = renderTable(MILLION);
    const box = screen.getAllByRole("checkbox")[0] as HTMLElement;
    fireEvent.keyDown(box, { key: "End" });
    expect(renderedRows().at(-1)).toBe(MILLION - 1);
    fireEvent.keyDown(scroller, { key: "End", ctrlKey: true });
    expect(renderedRows().at(-1)).toBe(MILLION - 1);
  });

  it("scrolls by rows with the wheel, not by scaled pixels", () => {
    const { scroller } = renderTable(MILLION);
    act(() => {
      scroller.scrollTop = 100_000;
      fireEvent.scroll(scroller);
    });
    const before = Number(scroller.dataset.firstVisibleRow);
    const wheel = new WheelEvent("wheel", { deltaY: 2 * ROW_HEIGHT, cancelable: true });
    act(() => {
      scroller.dispatchEvent(wheel);
    });
    expect(wheel.defaultPrevented).toBe(true);
    expect(scroller.scrollTop).toBe(100_000 + Math.ceil((2 * ROW_HEIGHT) / scale(geometry)));
    expect(Number(scroller.dataset.firstVisibleRow) - before).toBe(2);
  });

  it("renders only the rows a scroll step brings into sight", () => {
    const { scroller } = renderTable(5_000);
    act(() => {
      scroller.scrollTop = 44 * 1000;
      fireEvent.scroll(scroller);
    });
    const renders = vi.mocked(format.formatShortDateTime);
    renders.mockClear();
    const before = renderedRows();
    act(() => {
      scroller.scrollTop += 2 * ROW_HEIGHT;
      fireEvent.scroll(scroller);
    });
    const after = renderedRows();
    expect(after[0]).toBe((before[0] ?? 0) + 2);
    // Unscaled below the cap, and each step re-renders just the 2 rows that came in.
    expect(renders).toHaveBeenCalledTimes(2);
  });

  it("lets the wheel scroll natively when the log fits under the cap", () => {
    const { scroller } = renderTable(5_000);
    const wheel = new WheelEvent("wheel", { deltaY: 88, cancelable: true });
    scroller.dispatchEvent(wheel);
    expect(wheel.defaultPrevented).toBe(false);
    expect(bodyHeight(scroller)).toBe(5_000 * ROW_HEIGHT);
  });
});
