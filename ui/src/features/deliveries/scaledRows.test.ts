import {
  bodyHeight,
  type Geometry,
  MAX_BODY_HEIGHT,
  maxScrollTop,
  offsetAt,
  pageRows,
  rowWindow,
  type ScrollKey,
  scale,
  scrollTopAfterKey,
  scrollTopAfterWheel,
  scrollTopFor,
} from "./scaledRows";

const MILLION: Geometry = { rows: 1_000_000, rowHeight: 44, viewport: 440 };
const SMALL: Geometry = { rows: 5_000, rowHeight: 44, viewport: 440 };

/** Checks a window's invariants: rows inside the body, spacers non-negative, sizes adding up. */
function checkWindow(g: Geometry, scrollTop: number) {
  const w = rowWindow(g, scrollTop, 12);
  expect(w.padTop).toBeGreaterThanOrEqual(0);
  expect(w.padBottom).toBeGreaterThanOrEqual(0);
  expect(w.start).toBeLessThanOrEqual(w.firstVisible);
  expect(w.end).toBeGreaterThanOrEqual(w.lastVisible);
  expect(w.end).toBeLessThan(g.rows);
  const laidOut = w.padTop + (w.end - w.start + 1) * g.rowHeight + w.padBottom;
  // The body keeps its height: the scrollbar never changes under the pointer.
  expect(laidOut).toBeCloseTo(bodyHeight(g), 4);
  // The first visible row is where the offset says, relative to the viewport's top.
  const rowTop = w.padTop + (w.firstVisible - w.start) * g.rowHeight - scrollTop;
  expect(rowTop).toBeCloseTo(w.firstVisible * g.rowHeight - w.offset, 4);
  return w;
}

describe("scaled rows", () => {
  it("leaves a table under the cap unscaled: offsets are scroll positions", () => {
    expect(scale(SMALL)).toBe(1);
    expect(bodyHeight(SMALL)).toBe(5_000 * 44);
    for (const s of [0, 1, 43, 44, 1000, 12_345, maxScrollTop(SMALL)]) {
      expect(offsetAt(SMALL, s)).toBe(s);
      expect(scrollTopFor(SMALL, s)).toBe(s);
    }
    const w = checkWindow(SMALL, 44 * 100 + 10);
    expect(w.firstVisible).toBe(100);
    expect(w.padTop).toBe(44 * w.start);
  });

  it("caps the body of a million rows under every engine's height limit", () => {
    expect(bodyHeight(MILLION)).toBe(MAX_BODY_HEIGHT);
    expect(MAX_BODY_HEIGHT).toBeLessThan(17_895_697); // Firefox's cap, the lowest
    // The first and last row's worth of scrollbar move 1:1, the rest proportionally.
    expect(scale(MILLION)).toBeCloseTo((44_000_000 - 440 - 88) / (MAX_BODY_HEIGHT - 440 - 88), 9);
    expect(offsetAt(MILLION, 10)).toBe(10);
    expect(offsetAt(MILLION, maxScrollTop(MILLION) - 10)).toBe(44_000_000 - 440 - 10);
  });

  it("reaches the first row at the top and the last row at the bottom", () => {
    const top = checkWindow(MILLION, 0);
    expect(top.firstVisible).toBe(0);
    expect(top.start).toBe(0);
    expect(top.padTop).toBe(0);

    const bottom = checkWindow(MILLION, maxScrollTop(MILLION));
    expect(bottom.lastVisible).toBe(999_999);
    expect(bottom.end).toBe(999_999);
    expect(bottom.padBottom).toBe(0);
    // The last row's bottom is the viewport's bottom.
    const lastBottom = bottom.padTop + (bottom.end - bottom.start + 1) * 44 - maxScrollTop(MILLION);
    expect(lastBottom).toBeCloseTo(440, 6);
    // Past the end (an overscrolling engine) clamps to the end.
    expect(rowWindow(MILLION, maxScrollTop(MILLION) + 500, 12).lastVisible).toBe(999_999);
  });

  it("maps scroll positions to rows monotonically, with no position left out", () => {
    let previous = -1;
    const max = maxScrollTop(MILLION);
    for (let s = 0; s <= max; s += 9973) {
      const w = checkWindow(MILLION, s);
      expect(w.offset).toBeGreaterThanOrEqual(previous);
      previous = w.offset;
    }
    // Every row is the first visible one at some whole-pixel position: one physical pixel
    // moves under a row (scale < row height).
    expect(scale(MILLION)).toBeLessThan(44);
    for (let s = 0; s < 400; s++) {
      const a = rowWindow(MILLION, s, 0).firstVisible;
      const b = rowWindow(MILLION, s + 1, 0).firstVisible;
      expect(b - a).toBeLessThanOrEqual(1);
    }
  });

  it("keeps the rows in sight inside the body at both ends of a scaled body", () => {
    const max = maxScrollTop(MILLION);
    for (let s = 0; s < 200; s += 0.5) checkWindow(MILLION, s);
    for (let s = max - 200; s <= max; s += 0.5) checkWindow(MILLION, s);
    for (let s = 0; s < 200; s++) expect(scrollTopFor(MILLION, offsetAt(MILLION, s))).toBe(s);
  });

  it("pages down from the top to the last row without skipping one", () => {
    // Scaled 4.4× and 37× (a smaller cap keeps the test quick; the mapping is the same).
    const scaled: Geometry = { rows: 50_000, rowHeight: 44, viewport: 440, maxBodyHeight: 500_000 };
    const steep: Geometry = { ...scaled, maxBodyHeight: 60_000 };
    expect(scale(steep)).toBeGreaterThan(30);
    for (const g of [SMALL, scaled, steep]) {
      let s = 0;
      let presses = 0;
      let w = rowWindow(g, s, 0);
      while (w.lastVisible < g.rows - 1) {
        const next = scrollTopAfterKey(g, s, "PageDown");
        expect(Number.isInteger(next)).toBe(true);
        expect(next).toBeGreaterThan(s);
        const after = rowWindow(g, next, 0);
        // The row that was last in sight is still in sight: nothing skipped.
        expect(after.firstVisible).toBeLessThanOrEqual(w.lastVisible);
        expect(after.firstVisible).toBeGreaterThan(w.firstVisible);
        s = next;
        w = after;
        presses++;
        if (presses > 1_000_000) throw new Error("PageDown never reached the end");
      }
      // About one press per page, not one per scaled page.
      expect(presses).toBeLessThanOrEqual(Math.ceil(g.rows / pageRows(g)) + 1);
      expect(s).toBe(maxScrollTop(g));
    }
  });

  it("goes to the last row with End and back to the first with Home", () => {
    const end = scrollTopAfterKey(MILLION, 1234, "End");
    expect(end).toBe(maxScrollTop(MILLION));
    expect(rowWindow(MILLION, end, 0).lastVisible).toBe(999_999);
    expect(scrollTopAfterKey(MILLION, end, "Home")).toBe(0);
  });

  it("moves one row per arrow key, even when a pixel is several rows' worth", () => {
    const huge: Geometry = { rows: 100_000_000, rowHeight: 44, viewport: 440 };
    expect(scale(huge)).toBeGreaterThan(44);
    for (const g of [MILLION, huge]) {
      let s = 0;
      for (let i = 0; i < 50; i++) {
        const next = scrollTopAfterKey(g, s, "ArrowDown");
        expect(next).toBeGreaterThan(s);
        s = next;
      }
      const back = scrollTopAfterKey(g, s, "ArrowUp");
      expect(back).toBeLessThan(s);
    }
    // Scaled, an arrow moves the rows by one row (give or take a physical pixel's worth).
    const moved = offsetAt(MILLION, scrollTopAfterKey(MILLION, 1000, "ArrowDown")) - offsetAt(MILLION, 1000);
    expect(moved).toBeGreaterThanOrEqual(44);
    expect(moved).toBeLessThan(44 + scale(MILLION));
    // Unscaled, an arrow is exactly one row.
    expect(scrollTopAfterKey(SMALL, 0, "ArrowDown")).toBe(44);
  });

  it("moves rows as far as the wheel turned, whatever the scale", () => {
    const s = 500_000;
    const next = scrollTopAfterWheel(MILLION, s, 88);
    const moved = offsetAt(MILLION, next) - offsetAt(MILLION, s);
    expect(moved).toBeGreaterThanOrEqual(88);
    expect(moved).toBeLessThan(88 + scale(MILLION));
    expect(scrollTopAfterWheel(MILLION, s, -88)).toBeLessThan(s);
    expect(scrollTopAfterWheel(MILLION, 0, -88)).toBe(0);
    expect(scrollTopAfterWheel(MILLION, maxScrollTop(MILLION), 88)).toBe(maxScrollTop(MILLION));
  });

  it("handles an empty table and a table shorter than its viewport", () => {
    const none = rowWindow({ rows: 0, rowHeight: 44, viewport: 440 }, 0, 12);
    expect(none.start).toBe(-1);
    expect(none.end).toBe(-1);
    const few: Geometry = { rows: 3, rowHeight: 44, viewport: 440 };
    expect(maxScrollTop(few)).toBe(0);
    const w = rowWindow(few, 0, 12);
    expect([w.start, w.end, w.firstVisible, w.lastVisible]).toEqual([0, 2, 0, 2]);
    expect(w.padTop).toBe(0);
    expect(w.padBottom).toBe(0);
    for (const key of ["PageDown", "End", "ArrowDown"] as ScrollKey[])
      expect(scrollTopAfterKey(few, 0, key)).toBe(0);
  });
});
