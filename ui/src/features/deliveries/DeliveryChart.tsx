import type { StatsPoint } from "../../bindings/StatsPoint";

const WIDTH = 600;
const HEIGHT = 96;
const GAP = 2;

/** Deliveries per day with the failures among them: a hand-drawn SVG bar chart. */
export function DeliveryChart({ points }: { points: StatsPoint[] }) {
  const totals = points.map((p) => p.succeeded + p.failed + p.skipped);
  const max = Math.max(1, ...totals);
  const delivered = totals.reduce((a, b) => a + b, 0);
  const failed = points.reduce((a, p) => a + p.failed, 0);
  const bar = WIDTH / Math.max(1, points.length);
  const day = (iso: string) =>
    new Date(iso).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
  return (
    <figure className="card dl-chart" data-testid="deliveries-chart">
      <figcaption>
        <strong>Last {points.length} days</strong>
        <span className="dl-legend">
          <span className="dl-swatch dl-swatch-all" aria-hidden="true" /> {delivered.toLocaleString()}{" "}
          finished
        </span>
        <span className="dl-legend">
          <span className="dl-swatch dl-swatch-failed" aria-hidden="true" /> {failed.toLocaleString()} failed
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${delivered} deliveries finished and ${failed} failed over the last ${points.length} days`}
      >
        {points.map((p, i) => {
          const total = totals[i] ?? 0;
          const h = (total / max) * (HEIGHT - 4);
          const fh = (p.failed / max) * (HEIGHT - 4);
          const x = i * bar + GAP / 2;
          const w = Math.max(1, bar - GAP);
          return (
            <g key={p.bucketStart}>
              <title>{`${day(p.bucketStart)}: ${total} finished (${p.succeeded} succeeded, ${p.failed} failed, ${p.skipped} skipped)`}</title>
              <rect className="dl-bar-hit" x={i * bar} y={0} width={bar} height={HEIGHT} />
              {total > 0 && <rect className="dl-bar-all" x={x} y={HEIGHT - h} width={w} height={h} rx={1} />}
              {p.failed > 0 && (
                <rect
                  className="dl-bar-failed"
                  x={x}
                  y={HEIGHT - fh}
                  width={w}
                  height={Math.max(1, fh)}
                  rx={1}
                />
              )}
            </g>
          );
        })}
        <line className="dl-axis" x1={0} x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} />
      </svg>
      <div className="dl-chart-range muted">
        <span>{points[0] ? day(points[0].bucketStart) : ""}</span>
        <span>{points[points.length - 1] ? day(points[points.length - 1]?.bucketStart ?? "") : ""}</span>
      </div>
    </figure>
  );
}
