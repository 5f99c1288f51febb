// The one typed wrapper over Tauri's `invoke`. Screens import from here, never from
// @tauri-apps directly. Every argument and result type comes from the Rust core via ts-rs.
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { Error as CoreError } from "./bindings/Error";
import type { ErrorCode } from "./bindings/ErrorCode";

/** Every command the Rust shell exposes: its arguments and its result. */
export interface Commands {
  app_info: { args: Record<string, never>; result: AppInfo };
}

export type CommandName = keyof Commands;

/** A failed command: the core's error, with its stable code for branching. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: CoreError["details"];

  constructor(error: CoreError) {
    super(error.message);
    this.name = "ApiError";
    this.code = error.code;
    this.details = error.details;
  }
}

function isCoreError(value: unknown): value is CoreError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

export async function call<C extends CommandName>(
  command: C,
  args: Commands[C]["args"],
): Promise<Commands[C]["result"]> {
  try {
    return await invoke<Commands[C]["result"]>(command, args);
  } catch (raw) {
    if (isCoreError(raw)) throw new ApiError(raw);
    // Tauri itself failed (unknown command, serialisation): still surface a structured error.
    throw new ApiError({ code: "INTERNAL", message: String(raw) });
  }
}

export const api = {
  appInfo: () => call("app_info", {}),
};
