import { ApiError } from "../../api";

/** The form fields of "Connect a Salesforce org", named as the core names them. */
export type ConnectField =
  | "profile"
  | "loginUrl"
  | "clientId"
  | "clientSecret"
  | "callbackPort"
  | "callbackPath";

// The core names the profile field `name` when it validates a profile name.
const ALIASES: Record<string, ConnectField> = {
  name: "profile",
  profile: "profile",
  loginUrl: "loginUrl",
  clientId: "clientId",
  clientSecret: "clientSecret",
  callbackPort: "callbackPort",
  callbackPath: "callbackPath",
};

/** The form field a failed connect points at (from `error.details.fields`), if any. */
export function fieldOf(error: unknown): ConnectField | null {
  if (!(error instanceof ApiError)) return null;
  for (const f of error.details?.fields ?? []) {
    const field = ALIASES[f];
    if (field) return field;
  }
  return null;
}
