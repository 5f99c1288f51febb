//! The write path. The executor calls these around every Salesforce call:
//!
//! ```text
//! begin_batch ─ begin_delivery (pending) ─┬ begin_attempt (outcome unknown) ── HTTP call ── finish_attempt
//!                                         └ ... more attempts (backoff) ...
//!                                         finish_delivery (succeeded | failed | skipped)
//! ```
//!
//! Each call commits before it returns (or joins the caller's transaction: pass a
//! `rusqlite::Transaction` to write a whole Collections call's attempts at once), so the row is
//! on disk before the HTTP call starts and the outcome is on disk before the next step.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::model::{
    AttemptId, AttemptOutcome, AttemptRequest, AttemptResult, BatchId, DeliveryId, DeliveryOutcome,
    DeliveryStatus, DeliveryTrigger, FinishedStatus, NewDelivery,
};
use super::redact::{clean_body, redact_path};
use super::time::to_ms;
use crate::{Error, ErrorCode, Result};

/// Runs `f` so that all of its writes land or none do. On its own it takes the write lock up
/// front (`BEGIN IMMEDIATE`): a read-then-write here can never meet another process's commit in
/// between. Inside a caller's transaction it nests as a savepoint.
pub(crate) fn atomically<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let (begin, commit, rollback) = if conn.is_autocommit() {
        ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")
    } else {
        (
            "SAVEPOINT deliveries_write",
            "RELEASE deliveries_write",
            "ROLLBACK TO deliveries_write; RELEASE deliveries_write",
        )
    };
    // Cached statements: a push makes several of these per record, and parsing them each
    // time showed in its profile.
    conn.prepare_cached(begin)?.execute([])?;
    let out = f().and_then(|v| {
        conn.prepare_cached(commit)?.execute([])?;
        Ok(v)
    });
    if out.is_err() {
        // Undo; the original error is what the caller needs to see.
        if let Err(e) = conn.execute_batch(rollback) {
            tracing::error!(error = %e, "rolling back a delivery-log write failed");
        }
    }
    out
}

fn not_found(id: DeliveryId) -> Error {
    Error::new(
        ErrorCode::NotFound,
        format!("delivery {id} does not exist (it may have been pruned by the retention setting)"),
    )
}

/// Trims and drops empty optional text.
fn opt_text(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Starts a push. Every delivery belongs to one.
pub fn begin_batch(
    conn: &Connection,
    trigger: DeliveryTrigger,
    now: DateTime<Utc>,
) -> Result<BatchId> {
    conn.prepare_cached("INSERT INTO delivery_batches (trigger, started_at) VALUES (?1, ?2)")?
        .execute(params![trigger, to_ms(now)])?;
    Ok(BatchId(conn.last_insert_rowid()))
}

/// Logs a delivery as `pending` before anything is sent for it. Its `created_at` is `now`, or
/// the latest `created_at` already logged if the clock went backwards.
///
/// A retry (`trigger: retry`, `retry_of: Some(id)`) must name a `failed` delivery that no other
/// retry is working on; the database enforces the second rule too, so two processes cannot both
/// start one.
pub fn begin_delivery(
    conn: &Connection,
    new: &NewDelivery,
    now: DateTime<Utc>,
) -> Result<DeliveryId> {
    let email = new.email.trim();
    if email.is_empty() {
        return Err(Error::invalid_input("a delivery needs the contact's email").field("email"));
    }
    match (new.trigger, new.retry_of) {
        (DeliveryTrigger::Retry, None) => {
            return Err(
                Error::invalid_input("a retry delivery must name the delivery it retries")
                    .field("retryOf"),
            )
        }
        (trigger, Some(_)) if trigger != DeliveryTrigger::Retry => {
            return Err(Error::invalid_input(format!(
                "only a retry delivery may name a delivery it retries (trigger is {trigger})"
            ))
            .field("retryOf"))
        }
        _ => {}
    }
    let payload = clean_body(&serde_json::to_string(&new.payload)?);
    atomically(conn, || {
        let batch_exists = conn
            .prepare_cached("SELECT 1 FROM delivery_batches WHERE id = ?1")?
            .exists([new.batch_id.0])?;
        if !batch_exists {
            return Err(Error::new(
                ErrorCode::NotFound,
                format!("batch {} does not exist", new.batch_id),
            ));
        }
        if let Some(original) = new.retry_of {
            check_retryable(conn, original)?;
        }
        // The log's clock never runs backwards (a wall clock stepped back by NTP or by hand is
        // held at the last time logged), so id order is creation order and search results can
        // stream from the full-text index in id order.
        let last: Option<i64> = conn
            .prepare_cached("SELECT max(created_at) FROM deliveries")?
            .query_row([], |r| r.get(0))?;
        let created = last.map_or(to_ms(now), |last| last.max(to_ms(now)));
        conn.prepare_cached(
            "INSERT INTO deliveries (batch_id, trigger, retry_of, email, email_key, contact_name, company,
                object, action, status, salesforce_id, owner_id, owner_reason, payload, attempts,
                created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending', ?10, ?11, ?12, ?13, 0, ?14, ?14)",
        )?
        .execute(params![
            new.batch_id.0,
            new.trigger,
            new.retry_of.map(|d| d.0),
            email,
            email.to_lowercase(),
            opt_text(&new.contact_name),
            opt_text(&new.company),
            new.object,
            new.action,
            opt_text(&new.salesforce_id),
            opt_text(&new.owner_id),
            opt_text(&new.owner_reason),
            payload,
            created,
        ])?;
        Ok(DeliveryId(conn.last_insert_rowid()))
    })
}

/// A retry may only start from a failed delivery that no open retry is already working on.
fn check_retryable(conn: &Connection, original: DeliveryId) -> Result<()> {
    let status: Option<DeliveryStatus> = conn
        .prepare_cached("SELECT status FROM deliveries WHERE id = ?1")?
        .query_row([original.0], |r| r.get(0))
        .optional()?;
    let status = status.ok_or_else(|| not_found(original))?;
    if status != DeliveryStatus::Failed {
        return Err(Error::invalid_input(format!(
            "delivery {original} is {status}; only failed deliveries can be retried"
        )));
    }
    let open_retry: Option<i64> = conn
        .prepare_cached(
            "SELECT id FROM deliveries WHERE retry_of = ?1 AND status IN ('pending', 'in_flight')",
        )?
        .query_row([original.0], |r| r.get(0))
        .optional()?;
    if let Some(retry) = open_retry {
        return Err(Error::invalid_input(format!(
            "delivery {original} is already being retried by delivery {retry}"
        )));
    }
    Ok(())
}

/// Logs an attempt with outcome `unknown` right before its HTTP call, and marks the delivery
/// `in_flight`. Should the process stop before [`finish_attempt`], the attempt stays `unknown`
/// and [`super::unfinished`] reports it.
pub fn begin_attempt(
    conn: &Connection,
    delivery: DeliveryId,
    request: &AttemptRequest,
    now: DateTime<Utc>,
) -> Result<AttemptId> {
    let method = request.method.trim().to_ascii_uppercase();
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(
            Error::invalid_input(format!("'{}' is not an HTTP method", request.method))
                .field("method"),
        );
    }
    let path = redact_path(&request.path);
    if path.is_empty() {
        return Err(Error::invalid_input("an attempt needs the request path").field("path"));
    }
    let body = request.body.as_deref().map(clean_body);
    atomically(conn, || {
        let row: Option<(DeliveryStatus, u32)> = conn
            .prepare_cached("SELECT status, attempts FROM deliveries WHERE id = ?1")?
            .query_row([delivery.0], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (status, attempts) = row.ok_or_else(|| not_found(delivery))?;
        if !status.is_open() {
            return Err(Error::invalid_input(format!(
                "delivery {delivery} is already {status}; log a retry instead of another attempt"
            )));
        }
        let number = attempts + 1;
        conn.prepare_cached(
            "INSERT INTO delivery_attempts (delivery_id, attempt_no, started_at, method, path, request_body, outcome)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'unknown')",
        )?
        .execute(params![delivery.0, number, to_ms(now), method, path, body])?;
        let attempt = AttemptId(conn.last_insert_rowid());
        conn.prepare_cached(
            "UPDATE deliveries SET attempts = ?2, status = 'in_flight', updated_at = ?3 WHERE id = ?1",
        )?
        .execute(params![delivery.0, number, to_ms(now)])?;
        Ok(attempt)
    })
}

/// Records how an attempt ended. `sent` keeps it open (a Bulk job whose result comes later) and
/// may be followed by a final outcome. Once no attempt is open the delivery is `pending` again
/// (waiting for its next attempt or for [`finish_delivery`]).
pub fn finish_attempt(
    conn: &Connection,
    attempt: AttemptId,
    result: &AttemptResult,
    now: DateTime<Utc>,
) -> Result<()> {
    if result.outcome == AttemptOutcome::Unknown {
        return Err(Error::invalid_input(format!(
            "attempt {attempt} cannot be finished as 'unknown'"
        ))
        .field("outcome"));
    }
    let response_body = result.response_body.as_deref().map(clean_body);
    let error_message = result.error.as_ref().map(|e| clean_body(&e.message));
    let error_fields = match &result.error {
        Some(e) if !e.fields.is_empty() => Some(serde_json::to_string(&e.fields)?),
        _ => None,
    };
    let api_usage = result.api_usage.as_deref().map(clean_body);
    atomically(conn, || {
        let row: Option<(i64, AttemptOutcome, i64)> = conn
            .prepare_cached(
                "SELECT delivery_id, outcome, started_at FROM delivery_attempts WHERE id = ?1",
            )?
            .query_row([attempt.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let (delivery, outcome, started) = row.ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                format!("attempt {attempt} does not exist"),
            )
        })?;
        if !outcome.is_open() {
            return Err(Error::invalid_input(format!(
                "attempt {attempt} already finished as {outcome}"
            )));
        }
        let finished = to_ms(now);
        conn.prepare_cached(
            "UPDATE delivery_attempts SET finished_at = ?2, duration_ms = ?3, response_status = ?4,
                response_body = ?5, error_code = ?6, error_message = ?7, error_fields = ?8,
                outcome = ?9, api_usage = ?10
             WHERE id = ?1",
        )?
        .execute(params![
            attempt.0,
            finished,
            // A wall clock that stepped back must not give a negative duration.
            (finished - started).max(0),
            result.response_status,
            response_body,
            result.error.as_ref().and_then(|e| opt_text(&e.code)),
            error_message,
            error_fields,
            result.outcome,
            api_usage,
        ])?;
        let open: bool = conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM delivery_attempts
                   WHERE delivery_id = ?1 AND outcome IN ('unknown', 'sent'))",
            )?
            .query_row([delivery], |r| r.get(0))?;
        conn.prepare_cached("UPDATE deliveries SET status = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![
                delivery,
                if open {
                    DeliveryStatus::InFlight
                } else {
                    DeliveryStatus::Pending
                },
                finished
            ])?;
        Ok(())
    })
}

/// Records how a delivery ended. Every attempt must be finished first: an `unknown` attempt may
/// have created the record, and only a re-check can say. Finishing a retry resolves the failed
/// delivery it retried, so one chain shows one outstanding failure at most.
pub fn finish_delivery(
    conn: &Connection,
    delivery: DeliveryId,
    outcome: &DeliveryOutcome,
    now: DateTime<Utc>,
) -> Result<()> {
    match (outcome.status, &outcome.error) {
        (FinishedStatus::Failed, None) => {
            return Err(Error::invalid_input(format!(
                "delivery {delivery} cannot fail without an error"
            ))
            .field("error"))
        }
        (FinishedStatus::Succeeded, Some(e)) => {
            return Err(Error::invalid_input(format!(
                "delivery {delivery} cannot succeed with an error ({})",
                e.code
            ))
            .field("error"))
        }
        _ => {}
    }
    if let Some(e) = &outcome.error {
        if e.code.trim().is_empty() {
            return Err(Error::invalid_input("a delivery error needs a code").field("error.code"));
        }
    }
    let error = outcome.error.as_ref();
    let error_message = error.map(|e| clean_body(&e.message));
    let error_fields = match error {
        Some(e) if !e.fields.is_empty() => Some(serde_json::to_string(&e.fields)?),
        _ => None,
    };
    atomically(conn, || {
        let row: Option<(DeliveryStatus, Option<i64>)> = conn
            .prepare_cached("SELECT status, retry_of FROM deliveries WHERE id = ?1")?
            .query_row([delivery.0], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (status, retry_of) = row.ok_or_else(|| not_found(delivery))?;
        if !status.is_open() {
            return Err(Error::invalid_input(format!(
                "delivery {delivery} is already {status}"
            )));
        }
        let open_attempt: Option<u32> = conn
            .prepare_cached(
                "SELECT attempt_no FROM delivery_attempts
                 WHERE delivery_id = ?1 AND outcome IN ('unknown', 'sent') ORDER BY attempt_no LIMIT 1",
            )?
            .query_row([delivery.0], |r| r.get(0))
            .optional()?;
        if let Some(n) = open_attempt {
            return Err(Error::invalid_input(format!(
                "delivery {delivery} still has attempt {n} without a final outcome; finish it (after re-checking Salesforce) first"
            )));
        }
        let now = to_ms(now);
        conn.prepare_cached(
            "UPDATE deliveries SET status = ?2, action = COALESCE(?3, action),
                salesforce_id = COALESCE(?4, salesforce_id), owner_id = COALESCE(?5, owner_id),
                owner_reason = COALESCE(?6, owner_reason), opportunity_id = COALESCE(?7, opportunity_id),
                campaign_member_id = COALESCE(?8, campaign_member_id),
                error_code = ?9, error_message = ?10, error_fields = ?11, error_http_status = ?12,
                error_salesforce_code = ?13, updated_at = ?14, finished_at = ?14
             WHERE id = ?1",
        )?
        .execute(params![
            delivery.0,
            DeliveryStatus::from(outcome.status),
            outcome.action,
            opt_text(&outcome.salesforce_id),
            opt_text(&outcome.owner_id),
            opt_text(&outcome.owner_reason),
            opt_text(&outcome.opportunity_id),
            opt_text(&outcome.campaign_member_id),
            error.map(|e| e.code.trim()),
            error_message,
            error_fields,
            error.and_then(|e| e.http_status),
            error.and_then(|e| opt_text(&e.salesforce_code)),
            now,
        ])?;
        if let Some(original) = retry_of {
            conn.prepare_cached(
                "UPDATE deliveries SET status = 'resolved', updated_at = ?2 WHERE id = ?1 AND status = 'failed'",
            )?
            .execute(params![original, now])?;
        }
        Ok(())
    })
}

/// Marks failed deliveries as resolved (someone looked at them). Deliveries in any other state
/// are left as they are; an id that does not exist fails the whole call. Returns how many
/// changed.
pub fn mark_resolved(conn: &Connection, ids: &[DeliveryId], now: DateTime<Utc>) -> Result<u64> {
    atomically(conn, || {
        let mut changed = 0;
        for &id in ids {
            let exists = conn
                .prepare_cached("SELECT 1 FROM deliveries WHERE id = ?1")?
                .exists([id.0])?;
            if !exists {
                return Err(not_found(id));
            }
            changed += conn
                .prepare_cached(
                    "UPDATE deliveries SET status = 'resolved', updated_at = ?2 WHERE id = ?1 AND status = 'failed'",
                )?
                .execute(params![id.0, to_ms(now)])? as u64;
        }
        Ok(changed)
    })
}
