import type { Problem } from "../../bindings/Problem";

/** A problem's severity as a badge. */
export function SeverityBadge({ problem }: { problem: Problem }) {
  return problem.severity === "error" ? (
    <span className="badge badge-danger">Error</span>
  ) : (
    <span className="badge badge-warning">Warning</span>
  );
}

/** Problems as lines: badge, message and the stable code (for support and scripts). */
export function ProblemList({
  problems,
  location,
  testId,
}: {
  problems: readonly Problem[];
  /** Prefixes each line with where the problem is (for summaries). */
  location?: (p: Problem) => string;
  testId?: string;
}) {
  if (problems.length === 0) return null;
  return (
    <ul className="problem-list" data-testid={testId}>
      {problems.map((p) => (
        <li key={`${p.path}|${p.code}|${p.message}`} className={`problem problem-${p.severity}`}>
          <SeverityBadge problem={p} />
          {location && <span className="problem-where">{location(p)}</span>}
          <span>{p.message}</span>
          <span className="muted mono problem-code">{p.code}</span>
        </li>
      ))}
    </ul>
  );
}
