import { completionContext, fieldCandidates, objectCandidates } from "./completion";
import { describe_, field, summary } from "./testData";

/** The context with the cursor where `|` is. */
function at(textWithCursor: string) {
  const cursor = textWithCursor.indexOf("|");
  return completionContext(textWithCursor.replace("|", ""), cursor);
}

describe("completion context", () => {
  it("offers objects after FROM and fields of the FROM object elsewhere", () => {
    expect(at("SELECT Id FROM Le|")).toEqual({ kind: "object", prefix: "Le" });
    expect(at("SELECT Na| FROM Lead")).toEqual({
      kind: "field",
      object: "Lead",
      relationships: [],
      prefix: "Na",
    });
    expect(at("SELECT Id, Owner.Na| FROM Lead")).toEqual({
      kind: "field",
      object: "Lead",
      relationships: ["Owner"],
      prefix: "Na",
    });
    expect(at("SELECT Id FROM Lead WHERE Em|")).toMatchObject({
      kind: "field",
      object: "Lead",
      prefix: "Em",
    });
    expect(at("SELECT Id FROM Lead ORDER BY Last|")).toMatchObject({ kind: "field", prefix: "Last" });
    expect(at("SELECT COUNT(I|) FROM Lead")).toMatchObject({ kind: "field", object: "Lead", prefix: "I" });
  });

  it("uses the innermost SELECT's object in a semi-join", () => {
    expect(at("SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Em|)")).toMatchObject({
      kind: "field",
      object: "Contact",
    });
    expect(at("SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact) AND Na|")).toMatchObject({
      object: "Account",
    });
  });

  it("offers nothing in strings, after operators or numbers", () => {
    expect(at("SELECT Id FROM Lead WHERE Email = 'o\\'bri|")).toBeNull();
    expect(at("SELECT Id FROM Lead WHERE Email = 'done' |")).toBeNull();
    expect(at("SELECT Id FROM Lead WHERE Email = x|")).toBeNull();
    expect(at("SELECT Id FROM Lead LIMIT 10|")).toBeNull();
    expect(at("SELECT Id FROM Lead.Owner|")).toBeNull();
  });
});

describe("candidates", () => {
  it("ranks prefix matches first and only offers queryable objects", () => {
    const names = objectCandidates(
      [summary("Account"), summary("Lead"), summary("LeadHistory"), summary("Leads__x", false)],
      "lea",
    ).map((c) => c.insert);
    expect(names).toEqual(["Lead", "LeadHistory"]);
  });

  it("offers relationship names that continue with a dot", () => {
    const d = describe_("Lead", [
      field("OwnerId", { type: "reference", referenceTo: ["Group", "User"], relationshipName: "Owner" }),
      field("Email", { type: "email" }),
    ]);
    const found = fieldCandidates(d, "ow").map((c) => [c.insert, c.kind]);
    expect(found).toEqual([
      ["Owner.", "relationship"],
      ["OwnerId", "field"],
    ]);
  });
});
