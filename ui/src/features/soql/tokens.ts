// A SOQL tokenizer for the editor's colours and completion context. It only ever decides how
// text looks and what to suggest; whether a statement may run is the Rust guard's call
// (soql_check), never this file's.

export type TokenKind =
  | "space"
  | "keyword"
  | "dml"
  | "function"
  | "literal"
  | "string"
  | "number"
  | "ident"
  | "punct"
  | "bind";

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset in UTF-16 code units, as a textarea counts. */
  start: number;
  end: number;
  /** A string literal whose closing quote is missing. */
  open?: boolean;
}

const KEYWORDS = new Set(
  (
    "SELECT FROM WHERE AND OR NOT IN LIKE INCLUDES EXCLUDES GROUP BY ORDER ASC DESC NULLS FIRST " +
    "LAST LIMIT OFFSET HAVING WITH TYPEOF WHEN THEN ELSE END USING SCOPE NULL TRUE FALSE FOR VIEW " +
    "REFERENCE UPDATE TRACKING VIEWSTAT ROLLUP CUBE SECURITY_ENFORCED USER_MODE SYSTEM_MODE DATA " +
    "CATEGORY ABOVE BELOW AT ABOVE_OR_BELOW ALL ROWS"
  ).split(" "),
);

/** Words that change data: shown in the danger colour (the guard refuses them). */
const DML = new Set(["INSERT", "DELETE", "UPSERT", "MERGE", "UNDELETE"]);

const DATE_LITERALS = new Set(
  (
    "YESTERDAY TODAY TOMORROW LAST_WEEK THIS_WEEK NEXT_WEEK LAST_MONTH THIS_MONTH NEXT_MONTH " +
    "LAST_90_DAYS NEXT_90_DAYS THIS_QUARTER LAST_QUARTER NEXT_QUARTER THIS_YEAR LAST_YEAR NEXT_YEAR " +
    "THIS_FISCAL_QUARTER LAST_FISCAL_QUARTER NEXT_FISCAL_QUARTER THIS_FISCAL_YEAR LAST_FISCAL_YEAR " +
    "NEXT_FISCAL_YEAR"
  ).split(" "),
);
const N_DATE_LITERAL = /^(LAST|NEXT)_N_[A-Z_]+$|^N_[A-Z_]+_AGO$/;

const WORD = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\.?/y;
const NUMBER = /[0-9]+(?:\.[0-9]+)?/y;
const DATE_TIME =
  /[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?/y;
const SPACE = /\s+/y;

function matchAt(re: RegExp, text: string, at: number): string | null {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? m[0] : null;
}

/** The text as tokens that cover it exactly, in order. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number, open?: boolean) => {
    const token: Token = { kind, text: text.slice(i, end), start: i, end };
    if (open) token.open = true;
    out.push(token);
    i = end;
  };
  while (i < text.length) {
    const c = text[i] ?? "";
    const space = matchAt(SPACE, text, i);
    if (space) {
      push("space", i + space.length);
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let closed = false;
      while (j < text.length) {
        if (text[j] === "\\") j += 2;
        else if (text[j] === "'") {
          closed = true;
          j += 1;
          break;
        } else j += 1;
      }
      push("string", Math.min(j, text.length), !closed);
      continue;
    }
    const dateTime = /[0-9]/.test(c) ? matchAt(DATE_TIME, text, i) : null;
    if (dateTime) {
      push("number", i + dateTime.length);
      continue;
    }
    const number = /[0-9]/.test(c) ? matchAt(NUMBER, text, i) : null;
    if (number) {
      push("number", i + number.length);
      continue;
    }
    if (c === ":" && /[A-Za-z_]/.test(text[i + 1] ?? "")) {
      const word = matchAt(WORD, text, i + 1) ?? "";
      push("bind", i + 1 + word.length);
      continue;
    }
    const word = matchAt(WORD, text, i);
    if (word) {
      const upper = word.toUpperCase();
      const next = text.slice(i + word.length).match(/^\s*\(/);
      const kind: TokenKind = DML.has(upper)
        ? "dml"
        : KEYWORDS.has(upper)
          ? "keyword"
          : DATE_LITERALS.has(upper) || N_DATE_LITERAL.test(upper)
            ? "literal"
            : next
              ? "function"
              : "ident";
      push(kind, i + word.length);
      continue;
    }
    // Two-character operators stay one token so a refusal marker covers them whole.
    const two = text.slice(i, i + 2);
    push("punct", i + (["!=", "<>", "<=", ">="].includes(two) ? 2 : 1));
  }
  return out;
}
