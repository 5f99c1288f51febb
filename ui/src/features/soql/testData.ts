// Describe data for the SOQL screen's unit tests, shaped as the core's bindings.
import type { FieldDescribe } from "../../bindings/FieldDescribe";
import type { SObjectDescribe } from "../../bindings/SObjectDescribe";
import type { SObjectSummary } from "../../bindings/SObjectSummary";

export function field(name: string, extra: Partial<FieldDescribe> = {}): FieldDescribe {
  return {
    name,
    label: name,
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

export function describe_(name: string, fields: FieldDescribe[]): SObjectDescribe {
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

export function summary(name: string, queryable = true): SObjectSummary {
  return {
    name,
    label: `${name} label`,
    custom: false,
    keyPrefix: null,
    createable: true,
    updateable: true,
    queryable,
    deletable: true,
  };
}
