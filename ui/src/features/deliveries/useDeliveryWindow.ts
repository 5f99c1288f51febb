import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../../api";
import type { Delivery } from "../../bindings/Delivery";
import type { DeliveryObject } from "../../bindings/DeliveryObject";
import type { DeliveryQuery } from "../../bindings/DeliveryQuery";
import type { DeliveryStatus } from "../../bindings/DeliveryStatus";
import type { SortField } from "../../bindings/SortField";
import { hashParam } from "../../route";

/** Rows fetched per request as the table scrolls. */
export const PAGE_SIZE = 100;

export interface DeliveryFilters {
  search: string;
  status: DeliveryStatus | null;
  object: DeliveryObject | null;
  errorCode: string | null;
  /** One push's deliveries (its batch id): a push summary's link narrows the log to them. */
  batchId: number | null;
  /** Local calendar days (`YYYY-MM-DD`), both inclusive; "" for open-ended. */
  from: string;
  to: string;
  sort: SortField;
  descending: boolean;
}

export const NO_FILTERS: DeliveryFilters = {
  search: "",
  status: null,
  object: null,
  errorCode: null,
  batchId: null,
  from: "",
  to: "",
  sort: "createdAt",
  descending: true,
};

export function hasFilters(f: DeliveryFilters): boolean {
  return (
    f.search.trim() !== "" ||
    f.status !== null ||
    f.object !== null ||
    f.errorCode !== null ||
    f.batchId !== null ||
    f.from !== "" ||
    f.to !== ""
  );
}

/** A status the log knows, or null. */
function asStatus(text: string | null): DeliveryStatus | null {
  const known: readonly DeliveryStatus[] = [
    "pending",
    "in_flight",
    "succeeded",
    "failed",
    "skipped",
    "resolved",
  ];
  return known.find((s) => s === text) ?? null;
}

/**
 * The filters a link opens the log with (`#/deliveries?status=failed&batch=4&search=jane`):
 * a push's failures, or one contact's deliveries. Unknown values are ignored.
 */
export function filtersFromHash(hash: string = window.location.hash): DeliveryFilters {
  const batch = Number(hashParam("batch", hash));
  return {
    ...NO_FILTERS,
    search: hashParam("search", hash) ?? NO_FILTERS.search,
    status: asStatus(hashParam("status", hash)),
    batchId: Number.isInteger(batch) && batch > 0 ? batch : null,
  };
}

/** The start of a local calendar day (`YYYY-MM-DD`) as an instant, `days` later. */
function localDayStart(day: string, days = 0): string | null {
  const [y, m, d] = day.split("-").map(Number);
  if (!y || !m || !d) return null;
  return new Date(y, m - 1, d + days).toISOString();
}

/** The core's query for these filters; unset filters are left out. */
export function toQuery(f: DeliveryFilters): DeliveryQuery {
  const q: DeliveryQuery = { sort: f.sort, descending: f.descending };
  const search = f.search.trim();
  if (search) q.search = search;
  if (f.status !== null) q.status = [f.status];
  if (f.object !== null) q.object = [f.object];
  if (f.errorCode !== null) q.errorCode = f.errorCode;
  if (f.batchId !== null) q.batchId = f.batchId;
  const from = f.from ? localDayStart(f.from) : null;
  if (from) q.createdFrom = from;
  // The "to" day is included: the range ends where the next day starts.
  const to = f.to ? localDayStart(f.to, 1) : null;
  if (to) q.createdTo = to;
  return q;
}

interface WindowState {
  key: string;
  total: number | null;
  pages: ReadonlyMap<number, Delivery[]>;
  error: unknown;
}

export interface DeliveryWindow {
  /** Deliveries matching the filters; null until the first page arrived. */
  total: number | null;
  error: unknown;
  /** The delivery at this position, or undefined while its page is loading. */
  row: (index: number) => Delivery | undefined;
  /**
   * Says rows `first..=last` are wanted now. Their missing pages are fetched once scrolling
   * pauses (FETCH_DEBOUNCE_MS, at the latest FETCH_MAX_WAIT_MS), at most MAX_IN_FLIGHT at a
   * time; pages that scrolled past before their turn are never fetched.
   */
  ensure: (first: number, last: number) => void;
}

/** Quiet time after the last scroll before fetching: a fast scroll fetches where it stops. */
export const FETCH_DEBOUNCE_MS = 40;
/** Longest wait while scrolling steadily, so a slow scroll still fills its rows. */
export const FETCH_MAX_WAIT_MS = 150;
/** Page requests to the core at once. */
export const MAX_IN_FLIGHT = 2;
/** Pages kept in memory; the farthest from the rows in sight are dropped first. */
export const KEEP_PAGES = 60;
/** Rows fetched ahead beyond each end of the wanted rows, once those are loaded. */
export const PREFETCH_ROWS = PAGE_SIZE / 2;

/** Pages covering rows `first..=last` that are neither loaded nor being fetched, nearest `first` first. */
export function missingPages(
  first: number,
  last: number,
  loaded: ReadonlyMap<number, unknown>,
  inFlight: ReadonlySet<number>,
): number[] {
  const out: number[] = [];
  if (last < first) return out;
  for (let page = Math.floor(first / PAGE_SIZE); page <= Math.floor(last / PAGE_SIZE); page++)
    if (!loaded.has(page) && !inFlight.has(page)) out.push(page);
  return out;
}

/** The pages to drop so that `keep` remain, farthest from `center` first. */
export function pagesToDrop(pages: Iterable<number>, center: number, keep: number): number[] {
  const all = [...pages];
  if (all.length <= keep) return [];
  return all.sort((a, b) => Math.abs(b - center) - Math.abs(a - center)).slice(0, all.length - keep);
}

/**
 * The log as a sparse window over the core's list: pages of PAGE_SIZE rows are fetched by
 * offset only when the table rests on them, so a million deliveries never load at once and a
 * fast scroll does not queue a request for every page it flies past. A change of filters (or
 * of `generation`) starts over; answers for an older query are dropped.
 */
export function useDeliveryWindow(filters: DeliveryFilters, generation: number): DeliveryWindow {
  const queryJson = JSON.stringify(toQuery(filters));
  const key = `${generation}:${queryJson}`;
  const [state, setState] = useState<WindowState>({ key, total: null, pages: new Map(), error: null });
  const currentKey = useRef(key);
  // Fetch bookkeeping lives in refs: it changes on every scroll and must not re-render.
  const inFlight = useRef(new Set<number>());
  const loaded = useRef<ReadonlyMap<number, Delivery[]>>(new Map());
  const wanted = useRef<{ first: number; last: number }>({ first: 0, last: PAGE_SIZE - 1 });
  const timer = useRef<{ id: ReturnType<typeof setTimeout>; since: number } | null>(null);
  /** Rows known to exist: prefetching stops at the end of the log. */
  const known = useRef<number | null>(null);

  const fetchPage = useCallback(
    (page: number, pump: () => void) => {
      inFlight.current.add(page);
      const forKey = key;
      const q: DeliveryQuery = {
        ...(JSON.parse(queryJson) as DeliveryQuery),
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
      };
      api.deliveriesList(q).then(
        (result) => {
          if (currentKey.current !== forKey) return;
          inFlight.current.delete(page);
          const pages = new Map(loaded.current);
          pages.set(page, result.rows);
          const center = Math.floor(wanted.current.first / PAGE_SIZE);
          for (const p of pagesToDrop(pages.keys(), center, KEEP_PAGES)) pages.delete(p);
          loaded.current = pages;
          if (result.total !== null) known.current = result.total;
          setState((s) => ({ ...s, total: result.total ?? s.total, pages, error: null }));
          pump();
        },
        (error: unknown) => {
          if (currentKey.current !== forKey) return;
          inFlight.current.delete(page);
          setState((s) => ({ ...s, error }));
        },
      );
    },
    [key, queryJson],
  );

  /**
   * Starts fetches while slots are free: the wanted rows' missing pages first, then the pages
   * just beyond them, so a steady scroll finds its next rows loaded.
   */
  const pump = useCallback(() => {
    const { first, last } = wanted.current;
    const end = known.current === null ? last : known.current - 1;
    const order = [
      ...missingPages(first, last, loaded.current, inFlight.current),
      ...missingPages(last + 1, Math.min(end, last + PREFETCH_ROWS), loaded.current, inFlight.current),
      ...missingPages(Math.max(0, first - PREFETCH_ROWS), first - 1, loaded.current, inFlight.current),
    ];
    for (const page of new Set(order)) {
      if (inFlight.current.size >= MAX_IN_FLIGHT) break;
      fetchPage(page, pump);
    }
  }, [fetchPage]);

  useEffect(() => {
    currentKey.current = key;
    inFlight.current = new Set();
    loaded.current = new Map();
    known.current = null;
    wanted.current = { first: 0, last: PAGE_SIZE - 1 };
    setState({ key, total: null, pages: new Map(), error: null });
    pump();
    return () => {
      if (timer.current) clearTimeout(timer.current.id);
      timer.current = null;
    };
  }, [key, pump]);

  const live =
    state.key === key ? state : { key, total: null, pages: new Map<number, Delivery[]>(), error: null };

  const ensure = useCallback(
    (first: number, last: number) => {
      wanted.current = { first, last };
      if (missingPages(first, last, loaded.current, inFlight.current).length === 0) {
        // In sight is loaded: prefetch the neighbours now (the slots free up as they arrive).
        pump();
        return;
      }
      // Debounced, with a ceiling: restart the quiet period unless it has run too long.
      const now = performance.now();
      const since = timer.current?.since ?? now;
      if (timer.current) clearTimeout(timer.current.id);
      const wait = Math.max(0, Math.min(FETCH_DEBOUNCE_MS, since + FETCH_MAX_WAIT_MS - now));
      timer.current = {
        since,
        id: setTimeout(() => {
          timer.current = null;
          pump();
        }, wait),
      };
    },
    [pump],
  );

  return {
    total: live.total,
    error: live.error,
    row: (index) => live.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
    ensure,
  };
}
