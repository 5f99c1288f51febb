import {
  type KeyboardEvent,
  type MutableRefObject,
  type ReactNode,
  type RefObject,
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
} from "react";
import type { RefusalSpot } from "../../bindings/RefusalSpot";
import { type Catalog, candidatesFor } from "./catalog";
import { type Candidate, completionContext } from "./completion";
import { type Token, tokenize } from "./tokens";

interface Popup {
  items: Candidate[];
  active: number;
  /** Where the prefix being completed starts. */
  from: number;
  cursor: number;
}

/**
 * The console's editor: a plain textarea (so typing, undo, selection and screen readers work
 * as everywhere) over a highlighted copy of its text. Both sit in one grid cell and wrap the
 * same way, so the colours line up and one scrollbar moves both. Completion of objects and
 * fields opens while typing a name (or on Ctrl+Space); arrows choose, Enter or Tab insert,
 * Escape closes. Ctrl+Enter runs.
 */
export function SoqlEditor({
  value,
  onChange,
  onRun,
  refusal,
  catalog,
  describedBy,
  focusRef,
}: {
  value: string;
  onChange: (value: string) => void;
  onRun: () => void;
  refusal: RefusalSpot | null;
  catalog: Catalog;
  describedBy: string;
  /** Set to a function that puts the cursor on the refusal. */
  focusRef?: MutableRefObject<(() => void) | null>;
}) {
  const listId = useId();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const anchor = useRef<HTMLSpanElement>(null);
  const request = useRef(0);
  const [popup, setPopup] = useState<Popup | null>(null);
  const [place, setPlace] = useState<{ top: number; left: number } | null>(null);

  useEffect(() => {
    if (!focusRef) return;
    focusRef.current = () => {
      const at = refusal?.utf16Offset ?? 0;
      textarea.current?.focus();
      textarea.current?.setSelectionRange(at, at);
    };
  }, [focusRef, refusal]);

  const close = useCallback(() => {
    request.current += 1;
    setPopup(null);
  }, []);

  const suggest = useCallback(
    (text: string, cursor: number, explicit: boolean) => {
      const context = completionContext(text, cursor);
      const ticket = ++request.current;
      if (!context) {
        setPopup(null);
        return;
      }
      // While typing, open once a name is begun or right after a dot; Ctrl+Space always.
      const begun =
        context.prefix.length > 0 || (context.kind === "field" && context.relationships.length > 0);
      if (!explicit && !begun) {
        setPopup(null);
        return;
      }
      candidatesFor(context, catalog).then(
        (items) => {
          if (ticket !== request.current) return;
          const exact = items.length === 1 && items[0]?.insert === context.prefix;
          setPopup(
            items.length > 0 && !exact
              ? { items, active: 0, from: cursor - context.prefix.length, cursor }
              : null,
          );
        },
        // Not connected, or describe failed: typing goes on without suggestions.
        () => ticket === request.current && setPopup(null),
      );
    },
    [catalog],
  );

  // The list opens under the caret: the highlighted copy marks the caret with an anchor.
  useEffect(() => {
    if (!popup || !anchor.current || !scroller.current) {
      setPlace(null);
      return;
    }
    const a = anchor.current;
    setPlace({
      top: a.offsetTop - scroller.current.scrollTop + a.offsetHeight + 2,
      left: Math.max(0, a.offsetLeft - scroller.current.scrollLeft),
    });
  }, [popup]);

  const accept = (candidate: Candidate) => {
    if (!popup) return;
    const next = value.slice(0, popup.from) + candidate.insert + value.slice(popup.cursor);
    const caret = popup.from + candidate.insert.length;
    onChange(next);
    close();
    requestAnimationFrame(() => {
      textarea.current?.setSelectionRange(caret, caret);
      // A relationship continues: offer its fields at once.
      if (candidate.kind === "relationship") suggest(next, caret, true);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (popup) {
      const count = popup.items.length;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const step = e.key === "ArrowDown" ? 1 : -1;
        setPopup({ ...popup, active: (popup.active + step + count) % count });
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        const chosen = popup.items[popup.active];
        if (chosen) {
          e.preventDefault();
          accept(chosen);
          return;
        }
      }
      if (e.key === "Escape") {
        e.preventDefault();
        close();
        return;
      }
    }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      close();
      onRun();
      return;
    }
    if (e.key === " " && e.ctrlKey) {
      e.preventDefault();
      suggest(value, e.currentTarget.selectionStart, true);
    }
  };

  const activeId = popup ? `${listId}-${popup.active}` : undefined;
  return (
    <div className="soql-editor-frame">
      <div className="soql-editor-scroll" ref={scroller}>
        <pre className="soql-highlight" aria-hidden="true">
          {highlight(value, refusal?.utf16Offset ?? null, popup ? popup.cursor : null, anchor)}
        </pre>
        <textarea
          ref={textarea}
          className="soql-input"
          value={value}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          autoCorrect="off"
          role="combobox"
          aria-label="SOQL query"
          aria-describedby={describedBy}
          aria-autocomplete="list"
          aria-expanded={popup !== null}
          aria-controls={listId}
          aria-activedescendant={activeId}
          aria-invalid={refusal !== null}
          placeholder="SELECT Id, Name, Owner.Name FROM Lead WHERE Email = 'someone@example.com'"
          data-testid="soql-input"
          onChange={(e) => {
            onChange(e.target.value);
            suggest(e.target.value, e.target.selectionStart, false);
          }}
          onKeyDown={onKeyDown}
          onBlur={close}
          onClick={close}
        />
      </div>
      {popup && (
        <div
          id={listId}
          role="listbox"
          aria-label="Suggestions"
          className="soql-completions"
          style={place ? { top: place.top, left: place.left } : { visibility: "hidden" }}
          data-testid="soql-completions"
        >
          {popup.items.map((item, i) => (
            <div
              key={`${item.kind}:${item.label}`}
              id={`${listId}-${i}`}
              role="option"
              tabIndex={-1}
              aria-selected={i === popup.active}
              className={i === popup.active ? "soql-option active" : "soql-option"}
              // mousedown, not click: the textarea keeps focus, so no blur closes the list first.
              onMouseDown={(e) => {
                e.preventDefault();
                accept(item);
              }}
              data-testid="soql-option"
            >
              <span className={`soql-option-kind kind-${item.kind}`} aria-hidden="true">
                {item.kind === "object" ? "O" : item.kind === "relationship" ? "R" : "F"}
              </span>
              <span className="mono">{item.label}</span>
              <span className="soql-option-detail">{item.detail}</span>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

/**
 * The text as coloured spans. The token holding the refusal gets a wavy underline (or, on a
 * space or at the end, a marker); the caret's spot gets an empty anchor the list is placed by.
 */
function highlight(
  text: string,
  refusalAt: number | null,
  caretAt: number | null,
  anchor: RefObject<HTMLSpanElement | null>,
): ReactNode[] {
  const tokens = tokenize(text);
  const refused =
    refusalAt === null
      ? null
      : (tokens.find((t) => t.kind !== "space" && t.start <= refusalAt && refusalAt < t.end) ?? null);
  const points: { at: number; node: (key: string) => ReactNode }[] = [];
  if (refusalAt !== null && !refused) {
    points.push({
      at: Math.min(refusalAt, text.length),
      node: (key) => <span key={key} className="refusal-point" data-testid="refusal-point" />,
    });
  }
  if (caretAt !== null) {
    points.push({ at: caretAt, node: (key) => <span key={key} ref={anchor} className="caret-anchor" /> });
  }
  points.sort((a, b) => a.at - b.at);

  const out: ReactNode[] = [];
  let p = 0;
  const flushPoints = (upTo: number) => {
    while (p < points.length && (points[p]?.at ?? Infinity) <= upTo) {
      out.push(points[p]?.node(`point-${p}`));
      p += 1;
    }
  };
  tokens.forEach((t: Token) => {
    let start = t.start;
    flushPoints(start);
    const className = `tok-${t.kind}${t === refused ? " tok-refused" : ""}`;
    // Points inside this token split it.
    while (p < points.length && (points[p]?.at ?? Infinity) < t.end) {
      const at = points[p]?.at ?? t.end;
      out.push(
        <span key={`tok-${start}`} className={className}>
          {text.slice(start, at)}
        </span>,
      );
      flushPoints(at);
      start = at;
    }
    out.push(
      <span
        key={`tok-${start}`}
        className={className}
        data-testid={t === refused ? "refused-token" : undefined}
      >
        {text.slice(start, t.end)}
      </span>,
    );
  });
  flushPoints(Infinity);
  // A final newline needs a character after it to take up its line, as the textarea's does.
  out.push("\n");
  return out;
}
