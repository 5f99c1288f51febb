import { tokenize } from "./tokens";

/** A statement shown read-only with the editor's colours. */
export function SoqlCode({ soql, testId }: { soql: string; testId?: string }) {
  return (
    <pre className="soql-code" data-testid={testId}>
      {tokenize(soql).map((t) => (
        <span key={t.start} className={`tok-${t.kind}`}>
          {t.text}
        </span>
      ))}
    </pre>
  );
}
