import { formatAmount, formatShortDateTime } from "./format";

describe("formatShortDateTime", () => {
  const now = new Date(2026, 10, 22, 15, 0);

  it("shows only the time for today, the day this year, and the year for older dates", () => {
    const today = formatShortDateTime(new Date(2026, 10, 22, 9, 5).toISOString(), now);
    expect(today).toMatch(/09.05|9.05/);
    expect(today).not.toMatch(/2026/);
    const thisYear = formatShortDateTime(new Date(2026, 3, 5, 14, 30).toISOString(), now);
    expect(thisYear).not.toMatch(/2026/);
    expect(thisYear).toMatch(/5/);
    expect(formatShortDateTime(new Date(2025, 3, 5).toISOString(), now)).toMatch(/2025/);
  });

  it("leaves text that is not a timestamp as it is", () => {
    expect(formatShortDateTime("not a date", now)).toBe("not a date");
  });
});

describe("formatAmount", () => {
  it("shows the record's currency when it carries one", () => {
    const eur = formatAmount(12500.5, "EUR");
    expect(eur).toMatch(/€/);
    expect(eur).toMatch(/12.500.50|12,500\.50/);
    expect(formatAmount(12000, "JPY")).toMatch(/¥|JP/);
  });

  it("guesses no currency without one, keeping the two decimals", () => {
    const plain = formatAmount(12000, null);
    expect(plain).toMatch(/12.000.00|12,000\.00/);
    expect(plain).not.toMatch(/\$|USD/);
  });

  it("keeps a code Intl does not know beside the amount", () => {
    expect(formatAmount(5, "X1")).toMatch(/5.00 X1/);
  });
});
