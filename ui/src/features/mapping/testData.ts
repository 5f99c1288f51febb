// Test data shaped like the core's answers (types from the ts-rs bindings).
import type { FieldDescribe } from "../../bindings/FieldDescribe";
import type { MappingDocument } from "../../bindings/MappingDocument";
import type { MappingRow } from "../../bindings/MappingRow";
import type { SObjectDescribe } from "../../bindings/SObjectDescribe";
import type { VersionedDocument } from "../../bindings/VersionedDocument";

const row = (source: string, target: string, overwrite = false): MappingRow => ({
  source,
  target,
  overwrite,
});

/** The core's default document (seed 000's Field Mapping Reference). */
export function defaultDocument(): MappingDocument {
  return {
    version: 1,
    objects: {
      Lead: [
        row("email", "Email"),
        row("phone", "Phone"),
        row("firstName", "FirstName"),
        row("lastName", "LastName"),
        row("company", "Company"),
        row("qualificationScore", "Lead_Score__c", true),
      ],
      Contact: [row("email", "Email"), row("phone", "Phone", true)],
      Account: [row("metadata.industry", "Industry")],
    },
    campaignId: null,
    criteria: {
      minimumScore: "all",
      starBands: [40, 60, 80],
      syncDelayMinutes: 0,
      integrationOn: false,
      requireConversationClosed: true,
    },
    requiredDefaults: { company: "[not provided]", lastNameFromEmail: true },
    contactPolicy: "skip",
    assignment: "leadbridge",
    opportunity: {
      enabled: false,
      minimumScore: { stars: 3 },
      stageName: "Qualification",
      nameTemplate: "{company} - Chat opportunity",
      closeDateDays: 30,
    },
    tasks: { eventKinds: [] },
    ownerStrategies: [
      { strategy: "meeting_scheduler", enabled: true },
      { strategy: "default_owner", enabled: true },
    ],
    defaultOwnerId: null,
    userMapping: [],
    segments: [],
    ownershipRules: [],
    unmatchedFallbackUserId: null,
  };
}

export function versioned(
  version: number,
  document = defaultDocument(),
  note: string | null = null,
): VersionedDocument {
  return {
    version,
    savedAt: version === 0 ? null : "2026-11-20T10:00:00Z",
    note,
    document,
  };
}

export function field(name: string, label: string, extra: Partial<FieldDescribe> = {}): FieldDescribe {
  return {
    name,
    label,
    type: "string",
    length: 80,
    precision: 0,
    scale: 0,
    createable: true,
    updateable: true,
    nillable: true,
    defaultedOnCreate: false,
    externalId: false,
    idLookup: false,
    unique: false,
    custom: false,
    picklistValues: [],
    referenceTo: [],
    relationshipName: null,
    ...extra,
  };
}

export function describeOf(name: string, fields: FieldDescribe[]): SObjectDescribe {
  return {
    name,
    label: name,
    createable: true,
    updateable: true,
    queryable: true,
    deletable: true,
    custom: false,
    fields,
  };
}

export const LEAD_FIELDS: FieldDescribe[] = [
  field("Id", "Lead ID", { type: "id", length: 18, createable: false, updateable: false, nillable: false }),
  field("Email", "Email", { type: "email" }),
  field("Phone", "Phone", { type: "phone", length: 40 }),
  field("FirstName", "First Name", { length: 40 }),
  field("LastName", "Last Name", { nillable: false }),
  field("Company", "Company", { length: 255, nillable: false }),
  field("Title", "Title", { length: 128 }),
  field("Lead_Score__c", "Lead Score", { type: "double", length: 0, precision: 18, scale: 0, custom: true }),
  field("CreatedDate", "Created Date", { type: "datetime", length: 0, createable: false, updateable: false }),
];
