import type { AttemptOutcome } from "../../bindings/AttemptOutcome";
import type { DeliveryStatus } from "../../bindings/DeliveryStatus";

const STATUS: Record<DeliveryStatus, { label: string; tone: string }> = {
  pending: { label: "Pending", tone: "badge-warning" },
  in_flight: { label: "In flight", tone: "badge-warning" },
  succeeded: { label: "Succeeded", tone: "badge-success" },
  failed: { label: "Failed", tone: "badge-danger" },
  skipped: { label: "Skipped", tone: "badge-neutral" },
  resolved: { label: "Resolved", tone: "badge-neutral" },
};

export const STATUS_OPTIONS = Object.entries(STATUS).map(([value, s]) => ({
  value: value as DeliveryStatus,
  label: s.label,
}));

export function StatusBadge({ status }: { status: DeliveryStatus }) {
  const s = STATUS[status];
  return (
    <span className={`badge ${s.tone}`} data-testid="status-badge">
      {s.label}
    </span>
  );
}

const OUTCOME: Record<AttemptOutcome, { label: string; tone: string }> = {
  unknown: { label: "No answer yet", tone: "badge-warning" },
  sent: { label: "Sent, awaiting result", tone: "badge-warning" },
  succeeded: { label: "Succeeded", tone: "badge-success" },
  failed_transient: { label: "Failed, retryable", tone: "badge-warning" },
  failed_permanent: { label: "Failed", tone: "badge-danger" },
};

export function OutcomeBadge({ outcome }: { outcome: AttemptOutcome }) {
  const o = OUTCOME[outcome];
  return <span className={`badge ${o.tone}`}>{o.label}</span>;
}

/** A stored body as indented JSON when it parses, else as stored. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
