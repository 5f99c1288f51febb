// Display formats shared by the screens. Timestamps from the core are RFC 3339 in UTC; people
// read them in their own locale and time zone.

/** A timestamp as date and time in the person's locale, or the raw text if unparsable. */
export function formatDateTime(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  return t.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/**
 * A compact timestamp for table cells: the time for today, the day this year, else the
 * date with its year. The full form belongs in a tooltip.
 */
export function formatShortDateTime(iso: string, now: Date = new Date()): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  if (t.toDateString() === now.toDateString())
    return t.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  if (t.getFullYear() === now.getFullYear())
    return t.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  return t.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

const COUNT = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** A count with its noun, digits grouped in the person's locale: "1,000,000 deliveries". */
export function formatCount(n: number, one: string, many: string): string {
  return `${COUNT.format(n)} ${n === 1 ? one : many}`;
}

const PLAIN_AMOUNT = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * A Salesforce currency amount. With the record's ISO code (a multi-currency org's
 * `CurrencyIsoCode`) it is shown as that currency in the person's locale: "€12,500.50".
 * Without one (a single-currency org, whose records carry no currency) no currency is guessed:
 * the amount is shown with its two decimals, "12,500.50", and the org's currency is implied.
 */
export function formatAmount(amount: number, currencyIsoCode: string | null): string {
  if (currencyIsoCode) {
    try {
      return new Intl.NumberFormat(undefined, { style: "currency", currency: currencyIsoCode }).format(
        amount,
      );
    } catch {
      // Not an ISO 4217 code Intl knows: the code beside the plain amount still says it.
      return `${PLAIN_AMOUNT.format(amount)} ${currencyIsoCode}`;
    }
  }
  return PLAIN_AMOUNT.format(amount);
}
