import { ApiError } from "../api";

/** Shows a failed command's message and its stable code. */
export function ErrorBanner({ error }: { error: unknown }) {
  const apiError = error instanceof ApiError ? error : null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="error-banner" role="alert">
      {apiError && <span className="badge badge-danger">{apiError.code}</span>}
      <span>{message}</span>
    </div>
  );
}
