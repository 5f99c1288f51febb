/**
 * A grey bar standing in for one line of text until it loads. It sits inline, so the line (and
 * the card around it) already has the height the text will have and nothing below moves.
 */
export function Placeholder() {
  return <span className="skeleton-line" aria-hidden="true" />;
}
