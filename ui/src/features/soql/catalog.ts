// The org's objects and fields for completion, fetched once per screen visit (each describe is
// an API call; the core also caches object describes per profile). A failed fetch is
// forgotten, so the next keystroke tries again.
import { api } from "../../api";
import type { SObjectDescribe } from "../../bindings/SObjectDescribe";
import type { SObjectSummary } from "../../bindings/SObjectSummary";
import {
  type Candidate,
  type CompletionContext,
  fieldCandidates,
  objectCandidates,
  relationshipField,
} from "./completion";

export interface Catalog {
  objects: () => Promise<SObjectSummary[]>;
  describe: (object: string) => Promise<SObjectDescribe>;
}

export function createCatalog(): Catalog {
  let objects: Promise<SObjectSummary[]> | null = null;
  const described = new Map<string, Promise<SObjectDescribe>>();
  return {
    objects: () => {
      if (!objects) {
        const loading = api.soqlObjects().then((g) => g.sobjects);
        loading.catch(() => {
          if (objects === loading) objects = null;
        });
        objects = loading;
      }
      return objects;
    },
    describe: (object: string) => {
      const key = object.toLowerCase();
      let loading = described.get(key);
      if (!loading) {
        const fresh = api.mappingDescribe(object);
        fresh.catch(() => {
          if (described.get(key) === fresh) described.delete(key);
        });
        described.set(key, fresh);
        loading = fresh;
      }
      return loading;
    },
  };
}

/**
 * The object a relationship leads to. A polymorphic lookup such as Owner (Group or User) is
 * followed to User, whose fields people mean when they write Owner.Name or Owner.Email.
 */
function target(referenceTo: string[]): string | null {
  if (referenceTo.length === 1) return referenceTo[0] ?? null;
  return referenceTo.includes("User") ? "User" : (referenceTo[0] ?? null);
}

export async function candidatesFor(context: CompletionContext, catalog: Catalog): Promise<Candidate[]> {
  if (context.kind === "object") return objectCandidates(await catalog.objects(), context.prefix);
  let describe = await catalog.describe(context.object);
  for (const name of context.relationships) {
    const field = relationshipField(describe, name);
    const next = field ? target(field.referenceTo) : null;
    if (!next) return [];
    describe = await catalog.describe(next);
  }
  return fieldCandidates(describe, context.prefix);
}
