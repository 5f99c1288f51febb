import { tokenize } from "./tokens";

describe("tokenize", () => {
  it("covers the text exactly and classifies words", () => {
    const text =
      "SELECT COUNT(Id), Owner.Name FROM Lead WHERE Email = 'o\\'brien@x.example' AND CreatedDate = LAST_N_DAYS:30 AND Score__c >= 40.5 AND CloseDate < 2026-01-01";
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.text).join("")).toBe(text);
    const kind = (s: string) => tokens.find((t) => t.text === s)?.kind;
    expect(kind("SELECT")).toBe("keyword");
    expect(kind("COUNT")).toBe("function");
    expect(kind("Owner.Name")).toBe("ident");
    expect(kind("'o\\'brien@x.example'")).toBe("string");
    expect(kind("LAST_N_DAYS")).toBe("literal");
    expect(kind(">=")).toBe("punct");
    expect(kind("40.5")).toBe("number");
    expect(kind("2026-01-01")).toBe("number");
    expect(tokenize("DELETE FROM Lead")[0]?.kind).toBe("dml");
  });

  it("marks an unterminated string", () => {
    const tokens = tokenize("SELECT Id FROM Lead WHERE Name = 'open");
    expect(tokens[tokens.length - 1]).toMatchObject({ kind: "string", open: true });
  });
});
