import { useEffect, useId, useState } from "react";
import type { MinimumScore } from "../../bindings/MinimumScore";

/** Parses a whole number within [min, max]; null for anything else. */
export function parseWhole(text: string, min: number, max: number): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}

/**
 * A whole-number input. Only valid numbers reach the document (the core's fields are
 * unsigned); while the text is not one, the field says what it needs instead.
 */
export function NumberField({
  label,
  value,
  min,
  max,
  onChange,
  suffix,
  testId,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  onChange: (n: number) => void;
  suffix?: string;
  testId?: string;
}) {
  const [text, setText] = useState(String(value));
  const errorId = useId();
  // Follow the document when it changes from elsewhere (Discard, Revert).
  useEffect(() => {
    setText((t) => (parseWhole(t, min, max) === value ? t : String(value)));
  }, [value, min, max]);
  const valid = parseWhole(text, min, max) !== null;
  return (
    <label className="number-field">
      {label}
      <span className="row">
        <input
          inputMode="numeric"
          value={text}
          aria-invalid={!valid}
          aria-describedby={valid ? undefined : errorId}
          onChange={(e) => {
            setText(e.target.value);
            const n = parseWhole(e.target.value, min, max);
            if (n !== null) onChange(n);
          }}
          data-testid={testId}
        />
        {suffix && <span className="muted">{suffix}</span>}
      </span>
      {!valid && (
        <span id={errorId} className="field-error">
          Enter a whole number from {min} to {max}.
        </span>
      )}
    </label>
  );
}

type ScoreKind = "all" | "1" | "2" | "3" | "score";

function kindOf(score: MinimumScore): ScoreKind {
  if (score === "all") return "all";
  if ("stars" in score)
    return score.stars === 1 || score.stars === 2 || score.stars === 3
      ? (`${score.stars}` as ScoreKind)
      : "3";
  return "score";
}

/** Minimum score: All, 1–3 stars (shown with their current band) or a score of 0–100. */
export function ScoreThreshold({
  label,
  value,
  bands,
  onChange,
  testId,
}: {
  label: string;
  value: MinimumScore;
  bands: readonly [number, number, number];
  onChange: (score: MinimumScore) => void;
  testId: string;
}) {
  const kind = kindOf(value);
  const score = value !== "all" && "score" in value ? value.score : bands[2];
  const pick = (k: ScoreKind) => {
    if (k === "all") onChange("all");
    else if (k === "score") onChange({ score });
    else onChange({ stars: Number(k) });
  };
  return (
    <div className="score-threshold">
      <label>
        {label}
        <select value={kind} onChange={(e) => pick(e.target.value as ScoreKind)} data-testid={testId}>
          <option value="all">All contacts</option>
          <option value="1">★ One star (score ≥ {bands[0]})</option>
          <option value="2">★★ Two stars (score ≥ {bands[1]})</option>
          <option value="3">★★★ Three stars (score ≥ {bands[2]})</option>
          <option value="score">A score of at least…</option>
        </select>
      </label>
      {kind === "score" && (
        <NumberField
          label="Minimum score"
          value={score}
          min={0}
          max={100}
          onChange={(n) => onChange({ score: n })}
          suffix="of 100"
          testId={`${testId}-number`}
        />
      )}
    </div>
  );
}
