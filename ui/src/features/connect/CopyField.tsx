import { useRef, useState } from "react";

type CopyState = "idle" | "copied" | "manual";

/**
 * A read-only value with a Copy button. Falls back to selecting the text (so Ctrl+C works)
 * when the webview denies clipboard access.
 */
export function CopyField({ value, label, testId }: { value: string; label: string; testId?: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<CopyState>("idle");

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      input.current?.select();
      setState("manual");
    }
  };

  return (
    <div className="copy-field">
      <input
        ref={input}
        readOnly
        value={value}
        aria-label={label}
        className="mono"
        onFocus={(e) => e.currentTarget.select()}
        data-testid={testId}
      />
      <button type="button" className="secondary" onClick={copy}>
        {state === "copied" ? "Copied" : "Copy"}
      </button>
      <span className="hint" aria-live="polite">
        {state === "manual" ? "Selected: press Ctrl+C to copy." : ""}
      </span>
    </div>
  );
}
