import { useState } from "react";
import { api } from "../../api";
import type { DeliverySettings } from "../../bindings/DeliverySettings";
import type { PruneReport } from "../../bindings/PruneReport";
import { Dialog } from "../../components/Dialog";
import { ErrorBanner } from "../../components/ErrorBanner";

const MAX_DAYS = 36_500;

/** How long finished deliveries are kept; saving prunes what is now too old. */
export function RetentionDialog({
  current,
  onClose,
  onSaved,
}: {
  current: DeliverySettings;
  onClose: () => void;
  onSaved: (pruned: PruneReport) => void;
}) {
  const [days, setDays] = useState(String(current.retentionDays));
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const value = Number(days);
  const valid = days.trim() !== "" && Number.isInteger(value) && value >= 0 && value <= MAX_DAYS;

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      onSaved(await api.deliveriesSetSettings({ retentionDays: value }));
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog
      title="Keep deliveries for"
      onClose={onClose}
      actions={
        <>
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="button" disabled={!valid || saving} onClick={save} data-testid="retention-save">
            Save
          </button>
        </>
      }
    >
      <label>
        Days to keep finished deliveries (0 keeps them forever)
        <input
          type="number"
          min={0}
          max={MAX_DAYS}
          step={1}
          value={days}
          onChange={(e) => setDays(e.target.value)}
          aria-invalid={!valid}
          data-testid="retention-days"
        />
      </label>
      {!valid && (
        <p className="text-danger">Enter a whole number of days from 0 to {MAX_DAYS.toLocaleString()}.</p>
      )}
      <p className="hint">
        Succeeded, skipped and resolved deliveries older than this are removed with their attempts. Failed
        deliveries nobody resolved are always kept.
      </p>
      {error !== null && <ErrorBanner error={error} />}
    </Dialog>
  );
}
