import { cellText, cellValue, toCsv, toTsvRow } from "./table";

const ROW = {
  Id: "00Q1",
  Email: "o'brien@harborlight.example",
  Owner: { Name: "Dana Whitfield", Manager: null },
  Score: 72.5,
  Contacts: { totalSize: 2, done: true, records: [{ LastName: "A" }, { LastName: "B" }] },
  Note: '=HYPERLINK("x"), "quoted"\nnext line',
};

describe("reading rows as a table", () => {
  it("walks column paths, ignoring case, and stops at empty lookups", () => {
    expect(cellValue(ROW, "Owner.Name")).toBe("Dana Whitfield");
    expect(cellValue(ROW, "owner.name")).toBe("Dana Whitfield");
    expect(cellValue(ROW, "Owner.Manager.Email")).toBeNull();
    expect(cellValue(ROW, "Id.Name")).toBeUndefined();
    expect(cellValue(ROW, "Missing")).toBeUndefined();
  });

  it("shows values as text", () => {
    expect(cellText(cellValue(ROW, "Score"))).toBe("72.5");
    expect(cellText(cellValue(ROW, "Contacts"))).toBe("2 records");
    expect(cellText(null)).toBe("");
    expect(cellText({ city: "Oslo" })).toBe('{"city":"Oslo"}');
  });

  it("writes CSV that spreadsheets read and do not execute", () => {
    const csv = toCsv(["Id", "Owner.Name", "Note"], [ROW, { Id: "00Q2", Owner: null, Note: null }]);
    expect(csv).toBe(
      'Id,Owner.Name,Note\r\n00Q1,Dana Whitfield,"\'=HYPERLINK(""x""), ""quoted""\nnext line"\r\n00Q2,,\r\n',
    );
    expect(toTsvRow(["Id", "Note"], ROW)).toBe('00Q1\t=HYPERLINK("x"), "quoted" next line');
  });
});
