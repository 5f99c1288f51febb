/** An on/off switch with a visible label; a real checkbox underneath for keyboard and screen readers. */
export function Switch({
  checked,
  onChange,
  label,
  disabled,
  testId,
  ariaLabel,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: string;
  disabled?: boolean;
  testId?: string;
  /** The name screen readers hear when the visible label alone is not enough ("On"). */
  ariaLabel?: string;
}) {
  return (
    <label className="switch">
      <input
        type="checkbox"
        role="switch"
        aria-checked={checked}
        checked={checked}
        disabled={disabled}
        aria-label={ariaLabel}
        onChange={(e) => onChange(e.target.checked)}
        data-testid={testId}
      />
      <span className="switch-track" aria-hidden="true" />
      <span>{label}</span>
    </label>
  );
}
