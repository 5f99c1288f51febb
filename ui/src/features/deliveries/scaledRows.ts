// Scaled scrolling for a table of fixed-height rows that may be taller than a browser lets an
// element be. WebKit and Chromium cap an element's height near 33,554,431 px (Firefox near
// 17.9 million), and 1,000,000 rows of 44 px are 44 million px: past the cap the last rows
// cannot be scrolled to. So the scrolled body is at most MAX_BODY_HEIGHT tall, and the
// scrollbar's range is mapped linearly onto the rows' range: the top of the scrollbar shows the
// first row, its bottom the last row, and positions in between move proportionally.
//
// Two coordinate systems:
// - physical: the scroll container's scrollTop, over a body of `bodyHeight` px;
// - virtual: `offset`, over the rows' true height (rows × rowHeight).
// Below the cap the two are the same (scale 1) and the table scrolls exactly as a plain one.

/** The tallest body we lay out: well under every engine's cap, so the mapping never clips. */
export const MAX_BODY_HEIGHT = 15_000_000;

export interface Geometry {
  /** Rows in the table. */
  rows: number;
  /** Height of every row, px. */
  rowHeight: number;
  /** Height of the rows' viewport (the scroll container minus its sticky header), px. */
  viewport: number;
  /** The tallest body to lay out; MAX_BODY_HEIGHT unless a test says otherwise. */
  maxBodyHeight?: number;
}

/** Where the rows are: which are visible, which to render, and the spacers around them. */
export interface RowWindow {
  /** The virtual offset the scroll position maps to (px from the first row's top). */
  offset: number;
  /** First and last row at least partly visible (inclusive); -1 when there are no rows. */
  firstVisible: number;
  lastVisible: number;
  /** First and last row to render (visible rows plus overscan), inclusive; -1 when none. */
  start: number;
  end: number;
  /** Spacer heights above and below the rendered rows, px; they sum with the rows to bodyHeight. */
  padTop: number;
  padBottom: number;
}

/** The rows' true height, px. */
export function contentHeight(g: Geometry): number {
  return Math.max(0, g.rows) * g.rowHeight;
}

/** The body's laid-out height, px: the rows' true height, capped. */
export function bodyHeight(g: Geometry): number {
  return Math.min(contentHeight(g), g.maxBodyHeight ?? MAX_BODY_HEIGHT);
}

/** Largest physical scrollTop (the scrollbar at its bottom). */
export function maxScrollTop(g: Geometry): number {
  return Math.max(0, bodyHeight(g) - g.viewport);
}

/** Largest virtual offset (the last row's bottom at the viewport's bottom). */
export function maxOffset(g: Geometry): number {
  return Math.max(0, contentHeight(g) - g.viewport);
}

/**
 * Virtual px per physical px in the middle of the range: 1 below the cap, more above it. The
 * first and last EDGE px of the scrollbar move 1:1 (see offsetAt).
 */
export function scale(g: Geometry): number {
  const physical = maxScrollTop(g);
  const virtual = maxOffset(g);
  if (physical <= 0 || virtual === physical) return 1;
  const edge = edgeOf(g);
  return (virtual - 2 * edge) / (physical - 2 * edge);
}

/**
 * Width of the 1:1 stretches at both ends of a scaled range: one row. Row i sits at physical
 * y = scrollTop + i·rowHeight − offset; with the offset equal to the scroll position near the
 * top (and to its distance from the end near the bottom), the rows in sight always lie inside
 * the body, so they never need a negative spacer or a taller body.
 */
function edgeOf(g: Geometry): number {
  return Math.min(g.rowHeight, maxScrollTop(g) / 4);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** The virtual offset shown at this physical scroll position. */
export function offsetAt(g: Geometry, scrollTop: number): number {
  const physical = maxScrollTop(g);
  if (physical <= 0) return 0;
  const s = clamp(scrollTop, 0, physical);
  const virtual = maxOffset(g);
  if (virtual === physical) return s;
  const edge = edgeOf(g);
  if (s <= edge) return s;
  if (s >= physical - edge) return virtual - (physical - s);
  return edge + (s - edge) * scale(g);
}

/**
 * The physical scroll position showing this virtual offset. Scroll positions may be whole
 * pixels: `direction` rounds towards where the move is going, so a step (an arrow key, a
 * wheel notch) always moves, even when one physical pixel is several virtual ones.
 */
export function scrollTopFor(g: Geometry, offset: number, direction: -1 | 0 | 1 = 0): number {
  const physical = maxScrollTop(g);
  const virtual = maxOffset(g);
  const target = clamp(offset, 0, virtual);
  let s: number;
  if (virtual === physical) s = target;
  else {
    const edge = edgeOf(g);
    if (target <= edge) s = target;
    else if (target >= virtual - edge) s = physical - (virtual - target);
    else s = edge + (target - edge) / scale(g);
  }
  const rounded = direction > 0 ? Math.ceil(s) : direction < 0 ? Math.floor(s) : Math.round(s);
  return clamp(rounded, 0, physical);
}

/** The rows to show at this scroll position, with `overscan` extra rows above and below. */
export function rowWindow(g: Geometry, scrollTop: number, overscan: number): RowWindow {
  const body = bodyHeight(g);
  if (g.rows <= 0 || g.rowHeight <= 0) {
    return { offset: 0, firstVisible: -1, lastVisible: -1, start: -1, end: -1, padTop: 0, padBottom: body };
  }
  const s = clamp(scrollTop, 0, maxScrollTop(g));
  const offset = offsetAt(g, s);
  const firstVisible = clamp(Math.floor(offset / g.rowHeight), 0, g.rows - 1);
  const lastVisible = clamp(
    Math.ceil((offset + Math.max(g.viewport, 1)) / g.rowHeight) - 1,
    firstVisible,
    g.rows - 1,
  );
  // Row i sits at physical y = s + i·rowHeight − offset. Rendered rows must fit inside the
  // body: overscan rows that would start above its top or end below its bottom are left out
  // (they are off screen anyway).
  const fitsAbove = Math.ceil((offset - s) / g.rowHeight);
  const fitsBelow = Math.floor((body - s + offset) / g.rowHeight) - 1;
  const start = Math.min(firstVisible, Math.max(0, firstVisible - overscan, fitsAbove));
  const end = Math.max(lastVisible, Math.min(g.rows - 1, lastVisible + overscan, fitsBelow));
  // Never negative (see edgeOf); the guard only absorbs floating-point error.
  const padTop = Math.max(0, s + start * g.rowHeight - offset);
  const padBottom = Math.max(0, body - padTop - (end - start + 1) * g.rowHeight);
  return { offset, firstVisible, lastVisible, start, end, padTop, padBottom };
}

/** Keys the table scrolls by itself (so that paging follows rows, not scaled pixels). */
export type ScrollKey = "ArrowDown" | "ArrowUp" | "PageDown" | "PageUp" | "Home" | "End";

export function isScrollKey(key: string): key is ScrollKey {
  return (
    key === "ArrowDown" ||
    key === "ArrowUp" ||
    key === "PageDown" ||
    key === "PageUp" ||
    key === "Home" ||
    key === "End"
  );
}

/** Rows a PageDown moves: a viewport less one row, so the last row seen stays in sight. */
export function pageRows(g: Geometry): number {
  return Math.max(1, Math.floor(g.viewport / g.rowHeight) - 1);
}

/** The physical scroll position after a navigation key. */
export function scrollTopAfterKey(g: Geometry, scrollTop: number, key: ScrollKey): number {
  const offset = offsetAt(g, scrollTop);
  switch (key) {
    case "Home":
      return 0;
    case "End":
      return maxScrollTop(g);
    case "ArrowDown":
      return scrollTopFor(g, offset + g.rowHeight, 1);
    case "ArrowUp":
      return scrollTopFor(g, offset - g.rowHeight, -1);
    case "PageDown":
      return scrollTopFor(g, offset + pageRows(g) * g.rowHeight, 1);
    case "PageUp":
      return scrollTopFor(g, offset - pageRows(g) * g.rowHeight, -1);
  }
}

/** The physical scroll position after a wheel move of `delta` virtual px (rows move as far as the wheel says). */
export function scrollTopAfterWheel(g: Geometry, scrollTop: number, delta: number): number {
  if (delta === 0) return scrollTop;
  return scrollTopFor(g, offsetAt(g, scrollTop) + delta, delta > 0 ? 1 : -1);
}
