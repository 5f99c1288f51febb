import { type FormEvent, type ReactNode, useId, useState } from "react";
import { ApiError, api } from "../../api";
import type { ConnectRequest } from "../../bindings/ConnectRequest";
import type { FlowKind } from "../../bindings/FlowKind";
import type { LoginHostKind } from "../../bindings/LoginHostKind";
import type { OrgProfile } from "../../bindings/OrgProfile";
import { ErrorBanner } from "../../components/ErrorBanner";
import { CopyField } from "./CopyField";
import { EcaGuide } from "./EcaGuide";
import { type ConnectField, fieldOf } from "./fieldErrors";

// sf CLI's and Data Loader's callback: the URL admins most likely registered already.
export const DEFAULT_CALLBACK_PORT = 1717;
export const DEFAULT_CALLBACK_PATH = "/OauthRedirect";

export interface ConnectFormValues {
  profile: string;
  loginHost: LoginHostKind;
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  flow: FlowKind;
  callbackPort: string;
  callbackPath: string;
  forceLogin: boolean;
}

export const EMPTY_FORM: ConnectFormValues = {
  profile: "default",
  loginHost: "production",
  loginUrl: "",
  clientId: "",
  clientSecret: "",
  flow: "webServer",
  callbackPort: String(DEFAULT_CALLBACK_PORT),
  callbackPath: DEFAULT_CALLBACK_PATH,
  forceLogin: false,
};

/** The form filled with a saved profile's settings, to sign in to it again. */
export function formFromProfile(p: OrgProfile): ConnectFormValues {
  return {
    ...EMPTY_FORM,
    profile: p.name,
    loginHost: p.loginHost,
    loginUrl: p.loginHost === "custom" ? p.loginUrl : "",
    clientId: p.clientId,
    flow: p.flow,
    callbackPort: String(p.callbackPort ?? DEFAULT_CALLBACK_PORT),
    callbackPath: p.callbackPath ?? DEFAULT_CALLBACK_PATH,
  };
}

export function callbackUrl(port: string, path: string): string {
  return `http://localhost:${port.trim() || DEFAULT_CALLBACK_PORT}${path.trim() || DEFAULT_CALLBACK_PATH}`;
}

const HOSTS: { kind: LoginHostKind; label: string; hint: string }[] = [
  { kind: "production", label: "Production", hint: "login.salesforce.com" },
  { kind: "sandbox", label: "Sandbox", hint: "test.salesforce.com" },
  { kind: "custom", label: "Custom My Domain URL", hint: "e.g. https://acme.my.salesforce.com" },
];

type Phase =
  | { kind: "idle" }
  | { kind: "waiting" }
  | { kind: "failed"; error: unknown }
  | { kind: "cancelled" };

/** A port the loopback listener can bind, or null. */
function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n >= 1 && n <= 65535 ? n : null;
}

/** "Connect a Salesforce org": the OAuth login through the admin's External Client App. */
export function ConnectForm({
  initial,
  existingNames,
  guideOpen,
  onConnected,
}: {
  initial: ConnectFormValues;
  existingNames: readonly string[];
  guideOpen: boolean;
  onConnected: (profile: OrgProfile) => void;
}) {
  const [v, setV] = useState<ConnectFormValues>(initial);
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const set = <K extends keyof ConnectFormValues>(key: K, value: ConnectFormValues[K]) =>
    setV((old) => ({ ...old, [key]: value }));

  const waiting = phase.kind === "waiting";
  const error = phase.kind === "failed" ? phase.error : null;
  const errorField = fieldOf(error);
  const fieldError = (f: ConnectField) =>
    errorField === f && error instanceof Error ? error.message : undefined;
  const clientCredentials = v.flow === "clientCredentials";

  const chooseFlow = (flow: FlowKind) =>
    // The client-credentials flow only runs against a My Domain host.
    setV((old) => ({ ...old, flow, loginHost: flow === "clientCredentials" ? "custom" : old.loginHost }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (waiting) return;
    const port = clientCredentials ? DEFAULT_CALLBACK_PORT : parsePort(v.callbackPort);
    if (port === null) {
      setPhase({
        kind: "failed",
        error: new ApiError({
          code: "INVALID_INPUT",
          message: `callback port "${v.callbackPort}" must be a number from 1 to 65535`,
          details: { fields: ["callbackPort"] },
        }),
      });
      return;
    }
    const request: ConnectRequest = {
      profile: v.profile.trim(),
      loginHost: v.loginHost,
      loginUrl: v.loginHost === "custom" ? v.loginUrl.trim() : null,
      clientId: v.clientId.trim(),
      flow: v.flow,
      callbackPort: port,
      callbackPath: clientCredentials ? DEFAULT_CALLBACK_PATH : v.callbackPath.trim(),
      forceLogin: v.forceLogin,
    };
    setPhase({ kind: "waiting" });
    try {
      const profile = await api.orgConnect(request, v.clientSecret === "" ? null : v.clientSecret);
      setPhase({ kind: "idle" });
      setV((old) => ({ ...old, clientSecret: "" }));
      onConnected(profile);
    } catch (err) {
      if (err instanceof ApiError && err.code === "CANCELLED") setPhase({ kind: "cancelled" });
      else setPhase({ kind: "failed", error: err });
    }
  };

  const cancel = async () => {
    try {
      await api.orgCancelLogin();
    } catch (err) {
      setPhase({ kind: "failed", error: err });
    }
  };

  const url = callbackUrl(v.callbackPort, v.callbackPath);
  const replaces = existingNames.includes(v.profile.trim());

  return (
    <form
      className="card stack connect-form"
      onSubmit={submit}
      aria-busy={waiting}
      data-testid="connect-form"
    >
      <div>
        <h2>Connect a Salesforce org</h2>
        <p className="muted">
          Sign in through your org's External Client App. Tokens and the client secret are kept in the OS
          keyring, never in Leadbridge's database.
        </p>
      </div>
      <fieldset className="form-grid" disabled={waiting}>
        <Field
          label="Profile name"
          error={fieldError("profile")}
          hint={
            replaces
              ? `Replaces the saved profile "${v.profile.trim()}" when the login succeeds.`
              : "A name for this connection (e.g. production, sandbox). Letters, digits, '-', '_' and '.'."
          }
        >
          {(p) => (
            <input
              {...p}
              value={v.profile}
              onChange={(e) => set("profile", e.target.value)}
              autoComplete="off"
              data-testid="connect-profile"
            />
          )}
        </Field>

        <div className="field field-wide">
          <span className="field-label" id="login-host-label">
            Login host
          </span>
          <div className="radio-row" role="radiogroup" aria-labelledby="login-host-label">
            {HOSTS.map((h) => {
              const disabled = clientCredentials && h.kind !== "custom";
              return (
                <label key={h.kind} className={disabled ? "radio-option disabled" : "radio-option"}>
                  <input
                    type="radio"
                    name="loginHost"
                    value={h.kind}
                    checked={v.loginHost === h.kind}
                    disabled={disabled}
                    onChange={() => set("loginHost", h.kind)}
                    data-testid={`connect-host-${h.kind}`}
                  />
                  <span>
                    {h.label}
                    <span className="hint"> {h.hint}</span>
                  </span>
                </label>
              );
            })}
          </div>
          {clientCredentials && (
            <p className="hint">The client-credentials flow signs in at your My Domain URL only.</p>
          )}
        </div>

        {v.loginHost === "custom" && (
          <Field
            label="My Domain URL"
            error={fieldError("loginUrl")}
            hint="Your org's https://….my.salesforce.com address (Setup → My Domain)."
            wide
          >
            {(p) => (
              <input
                {...p}
                type="url"
                placeholder="https://acme.my.salesforce.com"
                value={v.loginUrl}
                onChange={(e) => set("loginUrl", e.target.value)}
                data-testid="connect-login-url"
              />
            )}
          </Field>
        )}
        {v.loginHost !== "custom" && fieldError("loginUrl") && (
          <p className="input-error field-wide">{fieldError("loginUrl")}</p>
        )}

        <Field
          label="Client ID"
          error={fieldError("clientId")}
          hint="The External Client App's consumer key."
          wide
        >
          {(p) => (
            <input
              {...p}
              value={v.clientId}
              onChange={(e) => set("clientId", e.target.value)}
              autoComplete="off"
              spellCheck={false}
              className="mono"
              data-testid="connect-client-id"
            />
          )}
        </Field>

        <Field
          label={clientCredentials ? "Client secret" : "Client secret (optional)"}
          error={fieldError("clientSecret")}
          hint={
            clientCredentials
              ? "Required for the client-credentials flow. Kept in the OS keyring."
              : "Only if your External Client App requires one. Kept in the OS keyring."
          }
          wide
        >
          {(p) => (
            <input
              {...p}
              type="password"
              value={v.clientSecret}
              onChange={(e) => set("clientSecret", e.target.value)}
              autoComplete="off"
              data-testid="connect-client-secret"
            />
          )}
        </Field>

        <div className="field field-wide">
          <span className="field-label" id="flow-label">
            Flow
          </span>
          <div className="radio-row" role="radiogroup" aria-labelledby="flow-label">
            <label className="radio-option">
              <input
                type="radio"
                name="flow"
                checked={v.flow === "webServer"}
                onChange={() => chooseFlow("webServer")}
                data-testid="connect-flow-webServer"
              />
              <span>
                Web server with PKCE (recommended)
                <span className="hint radio-hint">You approve the login in your browser.</span>
              </span>
            </label>
            <label className="radio-option">
              <input
                type="radio"
                name="flow"
                checked={clientCredentials}
                onChange={() => chooseFlow("clientCredentials")}
                data-testid="connect-flow-clientCredentials"
              />
              <span>
                Client credentials
                <span className="hint radio-hint">
                  Server to server, as the app's Run As user. Needs your My Domain URL and the client secret.
                </span>
              </span>
            </label>
          </div>
        </div>

        {!clientCredentials && (
          <>
            <Field label="Callback port" error={fieldError("callbackPort")}>
              {(p) => (
                <input
                  {...p}
                  inputMode="numeric"
                  value={v.callbackPort}
                  onChange={(e) => set("callbackPort", e.target.value)}
                  data-testid="connect-callback-port"
                />
              )}
            </Field>
            <Field label="Callback path" error={fieldError("callbackPath")}>
              {(p) => (
                <input
                  {...p}
                  value={v.callbackPath}
                  onChange={(e) => set("callbackPath", e.target.value)}
                  className="mono"
                  data-testid="connect-callback-path"
                />
              )}
            </Field>
            <div className="field field-wide">
              <span className="field-label">Callback URL to register in the External Client App</span>
              <CopyField value={url} label="Callback URL" testId="connect-callback-url" />
              <p className="hint">Salesforce accepts the login only when this URL matches exactly.</p>
            </div>
            <label className="checkbox field-wide">
              <input
                type="checkbox"
                checked={v.forceLogin}
                onChange={(e) => set("forceLogin", e.target.checked)}
              />
              <span>Always show Salesforce's login form (to sign in as a different user)</span>
            </label>
          </>
        )}
      </fieldset>

      {error !== null && <ErrorBanner error={error} />}
      {phase.kind === "cancelled" && (
        <p className="status-note" role="status">
          Login cancelled. Nothing was saved.
        </p>
      )}

      <div className="row">
        {waiting ? (
          <>
            <span className="waiting" role="status" data-testid="connect-waiting">
              <span className="spinner" aria-hidden="true" />
              {clientCredentials
                ? "Requesting a token from Salesforce…"
                : "Waiting for you to approve in the browser…"}
            </span>
            <button type="button" className="secondary" onClick={cancel} data-testid="connect-cancel">
              Cancel
            </button>
          </>
        ) : (
          <button type="submit" data-testid="connect-submit">
            Connect
          </button>
        )}
      </div>

      {!clientCredentials && <EcaGuide callbackUrl={url} open={guideOpen} />}
    </form>
  );
}

interface FieldProps {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby": string | undefined;
}

/** A labelled input with its hint and, after a failed connect, its error right beneath it. */
function Field({
  label,
  hint,
  error,
  wide,
  children,
}: {
  label: string;
  hint?: string;
  error: string | undefined;
  wide?: boolean;
  children: (props: FieldProps) => ReactNode;
}) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div className={wide ? "field field-wide" : "field"}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {children({ id, "aria-invalid": error !== undefined, "aria-describedby": describedBy || undefined })}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="input-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
