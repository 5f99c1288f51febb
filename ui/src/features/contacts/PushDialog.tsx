import "./push.css";
import { Dialog } from "../../components/Dialog";
import { ErrorBanner } from "../../components/ErrorBanner";
import { PlanPath, PlanPreview } from "./PlanPreview";
import { CONFIRM_ABOVE, planSentence, plural, resumedCount } from "./push";
import type { PushAsk } from "./usePush";

/**
 * The preview of a push (every contact, grouped by action) or, above CONFIRM_ABOVE
 * contacts, the confirmation that says what the push will do before anything is sent.
 */
export function PushDialog({
  ask,
  onPush,
  onConfirm,
  onClose,
}: {
  ask: PushAsk;
  onPush: () => void;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const what = plural(ask.count, "contact", "contacts");
  const ready = ask.plan.state === "ready";
  if (ask.mode === "preview") {
    return (
      <Dialog
        title={`Preview: push ${what}`}
        onClose={onClose}
        className="dialog-wide"
        actions={
          <>
            <button type="button" className="secondary" onClick={onClose} data-testid="preview-close">
              Close
            </button>
            <button type="button" disabled={!ready} onClick={onPush} data-testid="preview-push">
              Push {what}
              {ask.count > CONFIRM_ABOVE ? "…" : ""}
            </button>
          </>
        }
      >
        <div className="push-dialog-body">
          {ask.plan.state === "loading" && (
            <p className="muted" role="status" data-testid="preview-loading">
              Looking up these contacts in Salesforce (nothing is sent)…
            </p>
          )}
          {ask.plan.state === "failed" && <ErrorBanner error={ask.plan.error} />}
          {ask.plan.state === "ready" && <PlanPreview plan={ask.plan.value} />}
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog
      title={`Push ${what} to Salesforce?`}
      onClose={onClose}
      actions={
        <>
          <button type="button" className="secondary" onClick={onClose} data-testid="push-confirm-cancel">
            Cancel
          </button>
          <button type="button" disabled={!ready} onClick={onConfirm} data-testid="push-confirm">
            Push {what}
          </button>
        </>
      }
    >
      <div className="push-confirm" data-testid="push-question">
        {ask.plan.state === "loading" && (
          <p className="muted" role="status">
            Looking up what the push will do…
          </p>
        )}
        {ask.plan.state === "failed" && <ErrorBanner error={ask.plan.error} />}
        {ask.plan.state === "ready" && (
          <>
            <p data-testid="push-plan-sentence">{planSentence(ask.plan.value)}</p>
            <PlanPath plan={ask.plan.value} />
            {resumedCount(ask.plan.value) > 0 && (
              <p>
                {plural(resumedCount(ask.plan.value), "unfinished delivery", "unfinished deliveries")} of an
                earlier push will be finished too.
              </p>
            )}
            <p className="hint">
              About {plural(ask.plan.value.totals.writeCalls, "API call", "API calls")} of the org's daily
              allowance. You can cancel while it runs: what was not sent stays pending and the next push
              finishes it.
            </p>
          </>
        )}
      </div>
    </Dialog>
  );
}
