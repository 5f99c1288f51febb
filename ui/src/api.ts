// The one typed wrapper over Tauri's `invoke`. Screens import from here, never from
// @tauri-apps directly. Every argument and result type comes from the Rust core via ts-rs.
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { CampaignOption } from "./bindings/CampaignOption";
import type { Change } from "./bindings/Change";
import type { ChatField } from "./bindings/ChatField";
import type { Error as CoreError } from "./bindings/Error";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { MappingDocument } from "./bindings/MappingDocument";
import type { Saved } from "./bindings/Saved";
import type { SObjectDescribe } from "./bindings/SObjectDescribe";
import type { Validation } from "./bindings/Validation";
import type { VersionedDocument } from "./bindings/VersionedDocument";
import type { VersionSummary } from "./bindings/VersionSummary";

/** Every command the Rust shell exposes: its arguments and its result. */
export interface Commands {
  app_info: { args: Record<string, never>; result: AppInfo };
  // Mapping screen
  mapping_current: { args: Record<string, never>; result: VersionedDocument };
  mapping_version: { args: { version: number }; result: VersionedDocument };
  mapping_save: { args: { document: MappingDocument; note: string | null }; result: Saved };
  mapping_history: { args: Record<string, never>; result: VersionSummary[] };
  mapping_diff: { args: { from: number; to: number }; result: Change[] };
  mapping_revert: { args: { version: number }; result: Saved };
  mapping_chat_fields: { args: Record<string, never>; result: ChatField[] };
  mapping_describe: { args: { object: string; refresh: boolean }; result: SObjectDescribe };
  mapping_validate: { args: { document: MappingDocument }; result: Validation };
  mapping_campaigns: { args: Record<string, never>; result: CampaignOption[] };
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
  // Mapping screen
  mappingCurrent: () => call("mapping_current", {}),
  mappingVersion: (version: number) => call("mapping_version", { version }),
  mappingSave: (document: MappingDocument, note: string | null) => call("mapping_save", { document, note }),
  mappingHistory: () => call("mapping_history", {}),
  mappingDiff: (from: number, to: number) => call("mapping_diff", { from, to }),
  mappingRevert: (version: number) => call("mapping_revert", { version }),
  mappingChatFields: () => call("mapping_chat_fields", {}),
  mappingDescribe: (object: string, refresh = false) => call("mapping_describe", { object, refresh }),
  mappingValidate: (document: MappingDocument) => call("mapping_validate", { document }),
  mappingCampaigns: () => call("mapping_campaigns", {}),
};
