//! Relative date literals as date ranges `[start, end)`, per the SOQL reference: weeks start on
//! Sunday, quarters are calendar quarters, the org's time zone is GMT.

use chrono::{Datelike, Duration, Months, NaiveDate};

fn add_months(d: NaiveDate, months: i64) -> NaiveDate {
    if months >= 0 {
        d.checked_add_months(Months::new(months as u32))
            .unwrap_or(NaiveDate::MAX)
    } else {
        d.checked_sub_months(Months::new(months.unsigned_abs() as u32))
            .unwrap_or(NaiveDate::MIN)
    }
}

/// The range a literal covers on `today`, or `None` for an unknown name.
pub fn range(name: &str, n: Option<i64>, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let day = Duration::days(1);
    let week_start = today - Duration::days(i64::from(today.weekday().num_days_from_sunday()));
    let month_start = today.with_day(1)?;
    let quarter_start = NaiveDate::from_ymd_opt(today.year(), (today.month0() / 3) * 3 + 1, 1)?;
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1)?;
    let n = n.unwrap_or(0);
    let r = match name {
        "YESTERDAY" => (today - day, today),
        "TODAY" => (today, today + day),
        "TOMORROW" => (today + day, today + day * 2),
        "LAST_WEEK" => (week_start - Duration::days(7), week_start),
        "THIS_WEEK" => (week_start, week_start + Duration::days(7)),
        "NEXT_WEEK" => (
            week_start + Duration::days(7),
            week_start + Duration::days(14),
        ),
        "LAST_MONTH" => (add_months(month_start, -1), month_start),
        "THIS_MONTH" => (month_start, add_months(month_start, 1)),
        "NEXT_MONTH" => (add_months(month_start, 1), add_months(month_start, 2)),
        "LAST_90_DAYS" => (today - Duration::days(90), today + day),
        "NEXT_90_DAYS" => (today + day, today + Duration::days(91)),
        "LAST_N_DAYS" => (today - Duration::days(n), today + day),
        "NEXT_N_DAYS" => (today + day, today + day + Duration::days(n)),
        "N_DAYS_AGO" => (today - Duration::days(n), today - Duration::days(n) + day),
        "LAST_N_WEEKS" => (week_start - Duration::days(7 * n), week_start),
        "NEXT_N_WEEKS" => (
            week_start + Duration::days(7),
            week_start + Duration::days(7 + 7 * n),
        ),
        "N_WEEKS_AGO" => (
            week_start - Duration::days(7 * n),
            week_start - Duration::days(7 * n - 7),
        ),
        "LAST_N_MONTHS" => (add_months(month_start, -n), month_start),
        "NEXT_N_MONTHS" => (add_months(month_start, 1), add_months(month_start, 1 + n)),
        "N_MONTHS_AGO" => (add_months(month_start, -n), add_months(month_start, 1 - n)),
        "THIS_QUARTER" => (quarter_start, add_months(quarter_start, 3)),
        "LAST_QUARTER" => (add_months(quarter_start, -3), quarter_start),
        "NEXT_QUARTER" => (add_months(quarter_start, 3), add_months(quarter_start, 6)),
        "LAST_N_QUARTERS" => (add_months(quarter_start, -3 * n), quarter_start),
        "NEXT_N_QUARTERS" => (
            add_months(quarter_start, 3),
            add_months(quarter_start, 3 + 3 * n),
        ),
        "THIS_YEAR" => (year_start, add_months(year_start, 12)),
        "LAST_YEAR" => (add_months(year_start, -12), year_start),
        "NEXT_YEAR" => (add_months(year_start, 12), add_months(year_start, 24)),
        "LAST_N_YEARS" => (add_months(year_start, -12 * n), year_start),
        "NEXT_N_YEARS" => (
            add_months(year_start, 12),
            add_months(year_start, 12 + 12 * n),
        ),
        "N_YEARS_AGO" => (
            add_months(year_start, -12 * n),
            add_months(year_start, 12 - 12 * n),
        ),
        _ => return None,
    };
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn ranges_follow_the_soql_reference() {
        let today = d("2024-05-15"); // a Wednesday in Q2
        assert_eq!(
            range("TODAY", None, today),
            Some((d("2024-05-15"), d("2024-05-16")))
        );
        assert_eq!(
            range("THIS_WEEK", None, today),
            Some((d("2024-05-12"), d("2024-05-19")))
        );
        assert_eq!(
            range("LAST_N_DAYS", Some(7), today),
            Some((d("2024-05-08"), d("2024-05-16")))
        );
        assert_eq!(
            range("THIS_QUARTER", None, today),
            Some((d("2024-04-01"), d("2024-07-01")))
        );
        assert_eq!(
            range("LAST_MONTH", None, today),
            Some((d("2024-04-01"), d("2024-05-01")))
        );
        assert_eq!(
            range("THIS_YEAR", None, today),
            Some((d("2024-01-01"), d("2025-01-01")))
        );
        assert_eq!(
            range("N_DAYS_AGO", Some(3), today),
            Some((d("2024-05-12"), d("2024-05-13")))
        );
        assert_eq!(range("SOMEDAY", None, today), None);
    }
}
