import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../../api";
import type { Delivery } from "../../bindings/Delivery";
import type { DeliveryObject } from "../../bindings/DeliveryObject";
import type { DeliveryQuery } from "../../bindings/DeliveryQuery";
import type { DeliveryStatus } from "../../bindings/DeliveryStatus";
import type { SortField } from "../../bindings/SortField";

/** Rows fetched per request as the table scrolls. */
export const PAGE_SIZE = 100;

export interface DeliveryFilters {
  search: string;
  status: DeliveryStatus | null;
  object: DeliveryObject | null;
  errorCode: string | null;
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
    f.from !== "" ||
    f.to !== ""
  );
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
  /** Fetches the pages covering rows `first..=last` that are not loaded or loading yet. */
  ensure: (first: number, last: number) => void;
}

/**
 * The log as a sparse window over the core's list: pages of PAGE_SIZE rows are fetched by
 * offset only when the table scrolls to them, so a million deliveries never load at once. A
 * change of filters (or of `generation`) starts over; answers for an older query are dropped.
 */
export function useDeliveryWindow(filters: DeliveryFilters, generation: number): DeliveryWindow {
  const queryJson = JSON.stringify(toQuery(filters));
  const key = `${generation}:${queryJson}`;
  const [state, setState] = useState<WindowState>({ key, total: null, pages: new Map(), error: null });
  const currentKey = useRef(key);
  const requested = useRef(new Set<number>());

  const load = useCallback(
    (page: number) => {
      if (requested.current.has(page)) return;
      requested.current.add(page);
      const forKey = key;
      const q: DeliveryQuery = {
        ...(JSON.parse(queryJson) as DeliveryQuery),
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
      };
      api.deliveriesList(q).then(
        (result) => {
          if (currentKey.current !== forKey) return;
          setState((s) => {
            const pages = new Map(s.pages);
            pages.set(page, result.rows);
            return { ...s, total: result.total ?? s.total, pages, error: null };
          });
        },
        (error: unknown) => {
          if (currentKey.current !== forKey) return;
          requested.current.delete(page);
          setState((s) => ({ ...s, error }));
        },
      );
    },
    [key, queryJson],
  );

  useEffect(() => {
    currentKey.current = key;
    requested.current = new Set();
    setState({ key, total: null, pages: new Map(), error: null });
    load(0);
  }, [key, load]);

  const live =
    state.key === key ? state : { key, total: null, pages: new Map<number, Delivery[]>(), error: null };

  const ensure = useCallback(
    (first: number, last: number) => {
      for (let page = Math.floor(first / PAGE_SIZE); page <= Math.floor(last / PAGE_SIZE); page++) load(page);
    },
    [load],
  );

  return {
    total: live.total,
    error: live.error,
    row: (index) => live.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
    ensure,
  };
}
