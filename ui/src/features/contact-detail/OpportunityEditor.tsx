import { type FormEvent, useState } from "react";
import { ApiError, api } from "../../api";
import type { OpportunityChange } from "../../bindings/OpportunityChange";
import type { OpportunityForm } from "../../bindings/OpportunityForm";
import type { OpportunityPreview } from "../../bindings/OpportunityPreview";
import type { OpportunityUpdateResult } from "../../bindings/OpportunityUpdateResult";
import type { JsonValue } from "../../bindings/serde_json/JsonValue";
import { Dialog } from "../../components/Dialog";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useLoad } from "../../hooks";
import { screenHref } from "../../route";

function shown(v: JsonValue): string {
  if (v === null) return "—";
  if (typeof v === "number") return v.toLocaleString(undefined, { maximumFractionDigits: 2 });
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** The form's values as typed; empty means "leave as it is". */
interface Draft {
  stage: string;
  amount: string;
  closeDate: string;
}

/** The change the draft asks for, or the field at fault. */
export function changeFrom(
  form: OpportunityForm,
  draft: Draft,
): { change: OpportunityChange } | { field: string; message: string } {
  const o = form.opportunity;
  const change: OpportunityChange = { opportunityId: o.id };
  if (draft.stage && draft.stage !== o.stageName) change.stageName = draft.stage;
  const amountText = draft.amount.trim().replace(/,/g, "");
  if (amountText !== "") {
    const amount = Number(amountText);
    if (!Number.isFinite(amount)) return { field: "Amount", message: `“${draft.amount}” is not a number.` };
    if (amount !== o.amount) change.amount = amount;
  }
  if (draft.closeDate && draft.closeDate !== o.closeDate) change.closeDate = draft.closeDate;
  if (change.stageName === undefined && change.amount === undefined && change.closeDate === undefined)
    return { field: "", message: "Nothing changed: pick a new stage, amount or close date." };
  return { change };
}

/** Stage (from the org's picklist), amount and close date; confirmed before → after. */
export function OpportunityEditor({
  email,
  opportunityId,
  onClose,
  onUpdated,
}: {
  email: string;
  opportunityId: string;
  onClose: () => void;
  onUpdated: () => void;
}) {
  const [form] = useLoad(() => api.opportunityForm(opportunityId));
  if (form.state === "loading") return <p className="muted">Loading the Opportunity…</p>;
  if (form.state === "failed") return <ErrorBanner error={form.error} />;
  return <EditorForm form={form.value} email={email} onClose={onClose} onUpdated={onUpdated} />;
}

function EditorForm({
  form,
  email,
  onClose,
  onUpdated,
}: {
  form: OpportunityForm;
  email: string;
  onClose: () => void;
  onUpdated: () => void;
}) {
  const o = form.opportunity;
  const [draft, setDraft] = useState<Draft>({
    stage: o.stageName ?? "",
    amount: o.amount === null ? "" : String(o.amount),
    closeDate: o.closeDate ?? "",
  });
  const [problem, setProblem] = useState<{ field: string; message: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [preview, setPreview] = useState<{ change: OpportunityChange; preview: OpportunityPreview } | null>(
    null,
  );
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<OpportunityUpdateResult | null>(null);
  const locked = !form.canEdit;

  const review = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const asked = changeFrom(form, draft);
    if ("field" in asked) {
      setProblem(asked);
      return;
    }
    setProblem(null);
    setBusy(true);
    try {
      setPreview({ change: asked.change, preview: await api.opportunityPreview(asked.change) });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    if (!preview) return;
    setBusy(true);
    setError(null);
    try {
      const result = await api.opportunityUpdate(email, preview.change);
      setDone(result);
      setPreview(null);
      onUpdated();
    } catch (err) {
      setPreview(null);
      setError(err);
      onUpdated();
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (field: string) =>
    (problem?.field === field ? problem.message : null) ??
    (error instanceof ApiError && error.details?.fields?.includes(field) ? error.message : null);

  return (
    <form className="opportunity-editor stack" onSubmit={review} data-testid="opportunity-editor">
      {locked && (
        <p className="status-note status-note-warning" data-testid="opportunity-locked">
          {form.reason}
        </p>
      )}
      <div className="editor-fields">
        <label>
          <span>Stage</span>
          <select
            value={draft.stage}
            disabled={locked || busy}
            onChange={(e) => setDraft({ ...draft, stage: e.target.value })}
            data-testid="opportunity-stage-select"
            title={locked ? (form.reason ?? undefined) : undefined}
          >
            {!form.stages.some((s) => s.value === draft.stage) && (
              <option value={draft.stage}>{draft.stage}</option>
            )}
            {form.stages.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
          {fieldError("StageName") && <span className="field-error">{fieldError("StageName")}</span>}
        </label>
        <label>
          <span>Amount</span>
          <input
            inputMode="decimal"
            value={draft.amount}
            disabled={locked || busy}
            onChange={(e) => setDraft({ ...draft, amount: e.target.value })}
            data-testid="opportunity-amount-input"
            placeholder={`up to ${form.amountIntegerDigits} digits, ${form.amountScale} decimals`}
          />
          {fieldError("Amount") && <span className="field-error">{fieldError("Amount")}</span>}
        </label>
        <label>
          <span>Close date</span>
          <input
            type="date"
            value={draft.closeDate}
            disabled={locked || busy}
            onChange={(e) => setDraft({ ...draft, closeDate: e.target.value })}
            data-testid="opportunity-close-input"
          />
          {fieldError("CloseDate") && <span className="field-error">{fieldError("CloseDate")}</span>}
        </label>
      </div>
      {problem && problem.field === "" && <p className="field-error">{problem.message}</p>}
      {error !== null && <ErrorBanner error={error} />}
      {done && (
        <p className="status-note status-note-success" role="status" data-testid="opportunity-updated">
          Salesforce accepted the change (HTTP {done.httpStatus}).{" "}
          <a href={screenHref("deliveries", { delivery: done.deliveryId, search: email })}>
            Delivery #{done.deliveryId}
          </a>{" "}
          records it.
        </p>
      )}
      <div className="row">
        <button
          type="submit"
          disabled={locked || busy}
          title={locked ? (form.reason ?? undefined) : "Shows the change before anything is sent"}
          data-testid="opportunity-review"
        >
          {busy && !preview ? "Reading…" : "Review change"}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      {preview && (
        <Dialog
          title="Update this Opportunity?"
          onClose={() => setPreview(null)}
          actions={
            <>
              <button type="button" className="secondary" onClick={() => setPreview(null)} disabled={busy}>
                Cancel
              </button>
              <button
                type="button"
                onClick={confirm}
                disabled={busy || preview.preview.diffs.length === 0}
                data-testid="opportunity-confirm"
              >
                {busy ? "Updating…" : "Update in Salesforce"}
              </button>
            </>
          }
        >
          <p>
            <strong>{preview.preview.name ?? o.name}</strong> — current values read from Salesforce just now:
          </p>
          {preview.preview.diffs.length === 0 ? (
            <p className="muted">Salesforce already holds these values; nothing would change.</p>
          ) : (
            <table className="diff-table" data-testid="opportunity-diff">
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">Before</th>
                  <th scope="col">After</th>
                </tr>
              </thead>
              <tbody>
                {preview.preview.diffs.map((d) => (
                  <tr key={d.field} data-testid={`diff-${d.field}`}>
                    <th scope="row">{d.label}</th>
                    <td className="diff-before">{shown(d.before)}</td>
                    <td className="diff-after">→ {shown(d.after)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="hint">The change and Salesforce's answer are recorded in the delivery log.</p>
        </Dialog>
      )}
    </form>
  );
}
