import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../../api";
import type { Contact } from "../../bindings/Contact";
import type { ContactQuery } from "../../bindings/ContactQuery";
import type { ContactSort } from "../../bindings/ContactSort";
import type { ConversationStatus } from "../../bindings/ConversationStatus";

/** Rows fetched per request as the inbox scrolls. */
export const PAGE_SIZE = 100;

export interface ContactFilters {
  search: string;
  status: ConversationStatus | null;
  minScore: number | null;
  delivered: boolean | null;
  sort: ContactSort;
}

export const NO_FILTERS: ContactFilters = {
  search: "",
  status: null,
  minScore: null,
  delivered: null,
  sort: "receivedDesc",
};

export function hasFilters(f: ContactFilters): boolean {
  return f.search.trim() !== "" || f.status !== null || f.minScore !== null || f.delivered !== null;
}

/** The core's query for these filters; unset filters are left out. */
export function toQuery(f: ContactFilters): ContactQuery {
  const q: ContactQuery = { sort: f.sort };
  const search = f.search.trim();
  if (search) q.search = search;
  if (f.status !== null) q.status = f.status;
  if (f.minScore !== null) q.minScore = f.minScore;
  if (f.delivered !== null) q.delivered = f.delivered;
  return q;
}

interface WindowState {
  key: string;
  total: number | null;
  pages: ReadonlyMap<number, Contact[]>;
  error: unknown;
}

export interface ContactWindow {
  /** Contacts matching the filters; null until the first page arrived. */
  total: number | null;
  error: unknown;
  /** The contact at this position, or undefined while its page is loading. */
  row: (index: number) => Contact | undefined;
  /** Fetches the pages covering rows `first..=last` that are not loaded or loading yet. */
  ensure: (first: number, last: number) => void;
}

/**
 * The inbox as a sparse window over the core's list: pages of PAGE_SIZE rows are fetched with
 * limit/offset only when the table scrolls to them. A change of filters (or of `generation`)
 * starts over; answers for an older query are dropped.
 */
export function useContactWindow(filters: ContactFilters, generation: number): ContactWindow {
  // The query as text: a stable dependency that changes exactly when the filters do.
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
      const q: ContactQuery = {
        ...(JSON.parse(queryJson) as ContactQuery),
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
      };
      api.contactsList(q).then(
        (result) => {
          if (currentKey.current !== forKey) return;
          setState((s) => {
            const pages = new Map(s.pages);
            pages.set(page, result.contacts);
            return { ...s, total: result.total, pages, error: null };
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

  // Until the reset above has run, the state still describes the previous query.
  const live =
    state.key === key ? state : { key, total: null, pages: new Map<number, Contact[]>(), error: null };

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
