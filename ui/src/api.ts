// The one typed wrapper over Tauri's `invoke`. Screens import from here, never from
// @tauri-apps directly. Every argument and result type comes from the Rust core via ts-rs.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { ApiUsage } from "./bindings/ApiUsage";
import type { AppInfo } from "./bindings/AppInfo";
import type { BackflowReport } from "./bindings/BackflowReport";
import type { CampaignOption } from "./bindings/CampaignOption";
import type { Change } from "./bindings/Change";
import type { ChatField } from "./bindings/ChatField";
import type { ConnectRequest } from "./bindings/ConnectRequest";
import type { ConsoleCheck } from "./bindings/ConsoleCheck";
import type { Contact } from "./bindings/Contact";
import type { ContactDetail } from "./bindings/ContactDetail";
import type { ContactPage } from "./bindings/ContactPage";
import type { ContactPreview } from "./bindings/ContactPreview";
import type { ContactQuery } from "./bindings/ContactQuery";
import type { CsvExport } from "./bindings/CsvExport";
import type { DeliveryDetail } from "./bindings/DeliveryDetail";
import type { DeliveryListing } from "./bindings/DeliveryListing";
import type { DeliveryQuery } from "./bindings/DeliveryQuery";
import type { DeliverySettings } from "./bindings/DeliverySettings";
import type { DescribeGlobal } from "./bindings/DescribeGlobal";
import type { DisconnectOutcome } from "./bindings/DisconnectOutcome";
import type { Error as CoreError } from "./bindings/Error";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { ErrorCodeCount } from "./bindings/ErrorCodeCount";
import type { HistoryEntry } from "./bindings/HistoryEntry";
import type { ImportReport } from "./bindings/ImportReport";
import type { LinkedRecords } from "./bindings/LinkedRecords";
import type { MappingDocument } from "./bindings/MappingDocument";
import type { OpportunityChange } from "./bindings/OpportunityChange";
import type { OpportunityForm } from "./bindings/OpportunityForm";
import type { OpportunityPreview } from "./bindings/OpportunityPreview";
import type { OpportunityUpdateResult } from "./bindings/OpportunityUpdateResult";
import type { OrgPermissions } from "./bindings/OrgPermissions";
import type { OrgProfile } from "./bindings/OrgProfile";
import type { OrgStatus } from "./bindings/OrgStatus";
import type { PendingStatus } from "./bindings/PendingStatus";
// Contacts: manual push
import type { Plan } from "./bindings/Plan";
import type { PruneReport } from "./bindings/PruneReport";
import type { QueryResult } from "./bindings/QueryResult";
import type { RoutingTrial } from "./bindings/RoutingTrial";
import type { SalesforceUser } from "./bindings/SalesforceUser";
import type { Saved } from "./bindings/Saved";
import type { Selection as PushSelection } from "./bindings/Selection";
import type { ServePanel } from "./bindings/ServePanel";
import type { SObjectDescribe } from "./bindings/SObjectDescribe";
import type { StatsBucket } from "./bindings/StatsBucket";
import type { StatsPoint } from "./bindings/StatsPoint";
import type { SyncProgress } from "./bindings/SyncProgress";
import type { SyncReport } from "./bindings/SyncReport";
import type { TrialContact } from "./bindings/TrialContact";
import type { UserMapping } from "./bindings/UserMapping";
import type { UserMappingSuggestion } from "./bindings/UserMappingSuggestion";
import type { Validation } from "./bindings/Validation";
import type { VersionedDocument } from "./bindings/VersionedDocument";
import type { VersionSummary } from "./bindings/VersionSummary";

/** Every command the Rust shell exposes: its arguments and its result. */
export interface Commands {
  app_info: { args: Record<string, never>; result: AppInfo };
  // Connect
  org_profiles: { args: Record<string, never>; result: OrgProfile[] };
  org_status: { args: Record<string, never>; result: OrgStatus };
  org_activate: { args: { name: string }; result: null };
  /** The client secret travels beside the request and only ever reaches the keyring. */
  org_connect: { args: { request: ConnectRequest; clientSecret: string | null }; result: OrgProfile };
  /** True when a login was waiting and is now cancelled. */
  org_cancel_login: { args: Record<string, never>; result: boolean };
  /** `name` null: the active profile. */
  org_disconnect: { args: { name: string | null }; result: DisconnectOutcome };
  /** Null until Salesforce has reported the org's usage. */
  org_api_usage: { args: Record<string, never>; result: ApiUsage | null };
  demo_org_connect: { args: Record<string, never>; result: OrgProfile };
  // Contacts
  contacts_list: { args: { query: ContactQuery }; result: ContactPage };
  contacts_get: { args: { email: string }; result: Contact };
  /** The file's bytes are the raw request body: no JSON encoding of the file. */
  contacts_import: { args: Uint8Array; result: ImportReport };
  /** Opens one of the contact's own conversation URLs in the system browser. */
  contacts_open_conversation: { args: { email: string; url: string }; result: null };
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
  // Routing screen (saving goes through mapping_save)
  /** Every User of the org, active and inactive (one query). */
  routing_users: { args: Record<string, never>; result: SalesforceUser[] };
  /** The agent emails recorded on stored contacts. */
  routing_chat_users: { args: Record<string, never>; result: string[] };
  /** The user mapping table's rows under an edited mapping; local, makes no call. */
  routing_suggest: {
    args: { chatUsers: string[]; users: SalesforceUser[]; userMapping: UserMapping[] };
    result: UserMappingSuggestion[];
  };
  /** The owner decision for one contact under an (unsaved) document. */
  routing_test: { args: { document: MappingDocument; contact: TrialContact }; result: RoutingTrial };
  // SOQL
  /** The guard's verdict on the console's text; local, makes no call. */
  soql_check: { args: { text: string }; result: ConsoleCheck };
  /** Runs one SELECT (refused statements send nothing) and records it in the history. */
  soql_run: { args: { text: string; maxRows: number }; result: QueryResult };
  /** The page at a result's nextRecordsUrl, lined up with the columns shown so far. */
  soql_next_page: { args: { nextRecordsUrl: string; columns: string[] }; result: QueryResult };
  soql_history: { args: Record<string, never>; result: HistoryEntry[] };
  soql_history_clear: { args: Record<string, never>; result: null };
  soql_objects: { args: Record<string, never>; result: DescribeGlobal };
  /** The statements a sync of this inbox contact sends. */
  soql_preview: { args: { email: string }; result: ContactPreview };
  // Deliveries
  /** One window of the log; `total` is counted for offset 0 only. */
  deliveries_list: { args: { query: DeliveryQuery }; result: DeliveryListing };
  deliveries_get: { args: { id: number }; result: DeliveryDetail };
  deliveries_error_codes: { args: { query: DeliveryQuery }; result: ErrorCodeCount[] };
  deliveries_stats: { args: { bucket: StatsBucket; from: string; to: string }; result: StatsPoint[] };
  /** `ids` null: every failed delivery. Progress arrives as `deliveries:retry-progress` events. */
  deliveries_retry: { args: { ids: number[] | null }; result: SyncReport };
  deliveries_cancel_retry: { args: Record<string, never>; result: boolean };
  deliveries_mark_resolved: { args: { ids: number[] }; result: number };
  /** Written to the Downloads folder under a new name. */
  deliveries_export_csv: { args: { query: DeliveryQuery }; result: CsvExport };
  deliveries_settings: { args: Record<string, never>; result: DeliverySettings };
  deliveries_set_settings: { args: { settings: DeliverySettings }; result: PruneReport };
  // Automated delivery (the webhook receiver) and the back-flow
  serve_status: { args: Record<string, never>; result: ServePanel };
  /** `secret` null or empty keeps the stored one; it only ever reaches the keyring. */
  serve_start: { args: { listen: string; secret: string | null }; result: ServePanel };
  serve_stop: { args: Record<string, never>; result: ServePanel };
  backflow_pull: { args: Record<string, never>; result: BackflowReport };
  serve_pending_reason: { args: { email: string }; result: PendingStatus };
  // Contact page and org permissions
  /** The contact as captured and its delivery history; local, makes no call. */
  contact_detail: { args: { email: string }; result: ContactDetail };
  /** Lead or Contact, Account and Opportunities in Salesforce (one Composite call). */
  contact_linked: { args: { email: string }; result: LinkedRecords };
  /** What the connected user may do; `refresh` reads the describes anew. */
  org_permissions: { args: { refresh: boolean }; result: OrgPermissions };
  opportunity_form: { args: { opportunityId: string }; result: OpportunityForm };
  opportunity_preview: { args: { change: OpportunityChange }; result: OpportunityPreview };
  /** Sends the confirmed change and records it in the delivery log under `email`. */
  opportunity_update: { args: { email: string; change: OpportunityChange }; result: OpportunityUpdateResult };
  // Contacts: manual push
  /** What a push of the selection will do; looks up, sends nothing. */
  sync_preview: { args: { selection: PushSelection }; result: Plan };
  /** Starts the push in the background; resolves at once with the number of contacts selected. */
  sync_push: { args: { selection: PushSelection }; result: number };
  /** True when a push was running and is now asked to stop. */
  sync_cancel: { args: Record<string, never>; result: boolean };
  /** The latest report of the running (or last) push of this session. */
  sync_status: { args: Record<string, never>; result: SyncProgress | null };
}

/** The event a delivery retry reports its progress with. */
export const RETRY_PROGRESS_EVENT = "deliveries:retry-progress";

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
  orgProfiles: () => call("org_profiles", {}),
  orgStatus: () => call("org_status", {}),
  orgActivate: (name: string) => call("org_activate", { name }),
  orgConnect: (request: ConnectRequest, clientSecret: string | null) =>
    call("org_connect", { request, clientSecret }),
  orgCancelLogin: () => call("org_cancel_login", {}),
  orgDisconnect: (name: string | null) => call("org_disconnect", { name }),
  orgApiUsage: () => call("org_api_usage", {}),
  demoOrgConnect: () => call("demo_org_connect", {}),
  contactsList: (query: ContactQuery) => call("contacts_list", { query }),
  contactsGet: (email: string) => call("contacts_get", { email }),
  contactsImport: (bytes: Uint8Array) => call("contacts_import", bytes),
  contactsOpenConversation: (email: string, url: string) =>
    call("contacts_open_conversation", { email, url }),
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
  routingUsers: () => call("routing_users", {}),
  routingChatUsers: () => call("routing_chat_users", {}),
  routingSuggest: (chatUsers: string[], users: SalesforceUser[], userMapping: UserMapping[]) =>
    call("routing_suggest", { chatUsers, users, userMapping }),
  routingTest: (document: MappingDocument, contact: TrialContact) =>
    call("routing_test", { document, contact }),
  soqlCheck: (text: string) => call("soql_check", { text }),
  soqlRun: (text: string, maxRows: number) => call("soql_run", { text, maxRows }),
  soqlNextPage: (nextRecordsUrl: string, columns: string[]) =>
    call("soql_next_page", { nextRecordsUrl, columns }),
  soqlHistory: () => call("soql_history", {}),
  soqlHistoryClear: () => call("soql_history_clear", {}),
  soqlObjects: () => call("soql_objects", {}),
  soqlPreview: (email: string) => call("soql_preview", { email }),
  // Deliveries
  deliveriesList: (query: DeliveryQuery) => call("deliveries_list", { query }),
  deliveriesGet: (id: number) => call("deliveries_get", { id }),
  deliveriesErrorCodes: (query: DeliveryQuery) => call("deliveries_error_codes", { query }),
  deliveriesStats: (bucket: StatsBucket, from: string, to: string) =>
    call("deliveries_stats", { bucket, from, to }),
  deliveriesRetry: (ids: number[] | null) => call("deliveries_retry", { ids }),
  deliveriesCancelRetry: () => call("deliveries_cancel_retry", {}),
  deliveriesMarkResolved: (ids: number[]) => call("deliveries_mark_resolved", { ids }),
  deliveriesExportCsv: (query: DeliveryQuery) => call("deliveries_export_csv", { query }),
  deliveriesSettings: () => call("deliveries_settings", {}),
  deliveriesSetSettings: (settings: DeliverySettings) => call("deliveries_set_settings", { settings }),
  serveStatus: () => call("serve_status", {}),
  serveStart: (listen: string, secret: string | null) => call("serve_start", { listen, secret }),
  serveStop: () => call("serve_stop", {}),
  backflowPull: () => call("backflow_pull", {}),
  servePendingReason: (email: string) => call("serve_pending_reason", { email }),
  contactDetail: (email: string) => call("contact_detail", { email }),
  contactLinked: (email: string) => call("contact_linked", { email }),
  orgPermissions: (refresh = false) => call("org_permissions", { refresh }),
  opportunityForm: (opportunityId: string) => call("opportunity_form", { opportunityId }),
  opportunityPreview: (change: OpportunityChange) => call("opportunity_preview", { change }),
  opportunityUpdate: (email: string, change: OpportunityChange) =>
    call("opportunity_update", { email, change }),
  /** Calls `handler` with each progress report of a running retry; resolves to the unsubscribe. */
  onRetryProgress: (handler: (progress: SyncProgress) => void): Promise<UnlistenFn> =>
    listen<SyncProgress>(RETRY_PROGRESS_EVENT, (e) => handler(e.payload)),
  // Contacts: manual push
  syncPreview: (selection: PushSelection) => call("sync_preview", { selection }),
  syncPush: (selection: PushSelection) => call("sync_push", { selection }),
  syncCancel: () => call("sync_cancel", {}),
  syncStatus: () => call("sync_status", {}),
  /** Calls `handler` with each report of a running push (the last one has its outcome). */
  onSyncProgress: (handler: (progress: SyncProgress) => void): Promise<UnlistenFn> =>
    listen<SyncProgress>(SYNC_PROGRESS_EVENT, (e) => handler(e.payload)),
};

/** The event a manual push reports its progress with. */
export const SYNC_PROGRESS_EVENT = "sync-progress";
