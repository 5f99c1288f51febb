//! `leadbridge contacts show EMAIL [--json] [--offline]`: one contact's page on the command
//! line — what was captured, its delivery history, and the Salesforce records it is linked
//! to (one Composite call through the active profile).
//!
//! `--json` prints one object: `{"contact", "deliveries", "deliveriesTotal", "linked",
//! "linkedError"}` (`linked` null with `--offline` or when the fetch failed, then
//! `linkedError` is `{"code","message"}`). Exit status: 0 shown; 1 when the linked records
//! could not be fetched (the local part is still printed) or the email is not in the inbox
//! (`NOT_FOUND`); 2 for usage errors.

use std::path::Path;
use std::process::ExitCode;

use leadbridge_core::detail::{self, ContactDetail, LinkedRecords};
use leadbridge_core::{Error, Result};
use serde::Serialize;

use super::context::Context;
use super::org::runtime;
use crate::output::{self, EXIT_FAILED};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Shown<'a> {
    #[serde(flatten)]
    detail: &'a ContactDetail,
    linked: Option<&'a LinkedRecords>,
    linked_error: Option<ErrorLine<'a>>,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    code: &'a str,
    message: &'a str,
}

pub fn run(data_dir: Option<&Path>, email: &str, json: bool, offline: bool) -> Result<ExitCode> {
    let ctx = Context::open(data_dir)?;
    let page = detail::contact_detail(&ctx.store, email)?;
    let linked: Option<Result<LinkedRecords>> = (!offline).then(|| {
        let client = ctx.client()?;
        runtime()?.block_on(detail::linked_records(&client, &ctx.store, email))
    });
    let (records, error): (Option<&LinkedRecords>, Option<&Error>) = match &linked {
        Some(Ok(l)) => (Some(l), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    if json {
        output::json_line(&Shown {
            detail: &page,
            linked: records,
            linked_error: error.map(|e| ErrorLine {
                code: e.code.as_str(),
                message: &e.message,
            }),
        })?;
    } else {
        out!("{}", text(&page, records));
    }
    Ok(match error {
        Some(e) => {
            eprintln!("linked records not fetched:");
            output::fail(e);
            ExitCode::from(EXIT_FAILED)
        }
        None => ExitCode::SUCCESS,
    })
}

fn or_dash(v: Option<&str>) -> &str {
    v.filter(|s| !s.is_empty()).unwrap_or("—")
}

fn text(page: &ContactDetail, linked: Option<&LinkedRecords>) -> String {
    use std::fmt::Write;
    let c = &page.contact;
    let mut out = String::new();
    let name = [c.first_name.as_deref(), c.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let _ = writeln!(out, "{} <{}>", or_dash(Some(name.as_str())), c.email);
    let rows = [
        ("Company", c.company.clone()),
        ("Phone", c.phone.clone()),
        ("Score", c.qualification_score.map(|s| format!("{s}"))),
        ("Intent", c.intent.clone()),
        ("Source", c.source.clone()),
        ("Conversation", c.conversation_url.clone()),
        ("Status", Some(c.conversation_status.as_str().to_string())),
        ("Meeting with", c.agents.meeting_scheduled_with.clone()),
        ("Last routed", c.agents.last_routed.clone()),
        ("Closed by", c.agents.closed_by.clone()),
    ];
    for (label, value) in rows {
        let _ = writeln!(out, "  {label:<13} {}", or_dash(value.as_deref()));
    }
    for (k, v) in &c.metadata {
        let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
        let _ = writeln!(out, "  metadata.{k}: {v}");
    }
    let _ = writeln!(out, "\nDeliveries ({} in the log)", page.deliveries_total);
    for d in &page.deliveries {
        let _ = writeln!(
            out,
            "  #{:<6} {} {:<14} {:<9} {:<10} {}",
            d.id,
            d.created_at.format("%Y-%m-%d %H:%M"),
            d.object.as_str(),
            d.action.as_str(),
            d.status.as_str(),
            d.error
                .as_ref()
                .map(|e| format!("{}: {}", e.code, e.message))
                .unwrap_or_default()
        );
    }
    let Some(l) = linked else {
        return out;
    };
    let _ = writeln!(
        out,
        "\nSalesforce (fetched {}, {} API call{})",
        l.fetched_at.format("%Y-%m-%d %H:%M:%S UTC"),
        l.api_calls,
        if l.api_calls == 1 { "" } else { "s" }
    );
    match &l.lead {
        Some(lead) => {
            let _ = writeln!(
                out,
                "  Lead     {} {} — {}, owner {}",
                lead.id,
                or_dash(lead.name.as_deref()),
                or_dash(lead.status.as_deref()),
                or_dash(lead.owner_name.as_deref())
            );
        }
        None => out.push_str("  Lead     none\n"),
    }
    match &l.contact {
        Some(contact) => {
            let _ = writeln!(
                out,
                "  Contact  {} {} — {}, owner {}",
                contact.id,
                or_dash(contact.name.as_deref()),
                or_dash(contact.title.as_deref()),
                or_dash(contact.owner_name.as_deref())
            );
        }
        None => out.push_str("  Contact  none\n"),
    }
    match &l.account {
        Some(a) => {
            let _ = writeln!(
                out,
                "  Account  {} {} — owner {}, industry {}, {} employees",
                a.id,
                or_dash(a.name.as_deref()),
                or_dash(a.owner_name.as_deref()),
                or_dash(a.industry.as_deref()),
                a.number_of_employees
                    .map_or_else(|| "—".to_string(), |n| format!("{n}"))
            );
        }
        None => out.push_str("  Account  none\n"),
    }
    for o in &l.opportunities {
        let _ = writeln!(
            out,
            "  Opportunity {} {} — {}, {}, closes {}{}",
            o.id,
            or_dash(o.name.as_deref()),
            or_dash(o.stage_name.as_deref()),
            o.amount
                .map_or_else(|| "no amount".to_string(), |a| format!("{a:.2}")),
            or_dash(o.close_date.as_deref()),
            if o.is_closed { " (closed)" } else { "" }
        );
    }
    for note in &l.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    out
}
