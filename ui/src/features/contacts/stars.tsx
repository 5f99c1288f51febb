/**
 * Stars are bands of the 0–100 qualification score (PRODUCT.md, Criteria): by default
 * 1★ from 40, 2★ from 60, 3★ from 80. The bands are editable in the criteria settings.
 */
export const DEFAULT_STAR_BANDS: readonly [number, number, number] = [40, 60, 80];

/** How many stars (0 to 3) a score earns under `bands`. */
export function starsFor(
  score: number,
  bands: readonly [number, number, number] = DEFAULT_STAR_BANDS,
): number {
  return bands.filter((lower) => score >= lower).length;
}

/** A score with its stars, e.g. "★★☆ 72". */
export function Score({ score }: { score: number | null }) {
  if (score === null) return <span className="muted">—</span>;
  const stars = starsFor(score);
  const shown = Number.isInteger(score) ? String(score) : score.toFixed(1);
  return (
    <span className="score" title={`Score ${shown}: ${stars} of 3 stars`}>
      <span className="stars" aria-hidden="true">
        <span className="stars-on">{"★".repeat(stars)}</span>
        <span className="stars-off">{"★".repeat(3 - stars)}</span>
      </span>
      <span className="visually-hidden">{stars} of 3 stars, </span>
      <span className="score-value">{shown}</span>
    </span>
  );
}
