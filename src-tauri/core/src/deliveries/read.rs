//! Reading single deliveries: the detail view and what a resume must look at.

use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, Row};

use super::model::{
    Attempt, AttemptError, AttemptId, Delivery, DeliveryDetail, DeliveryError, DeliveryId,
};
use super::time::from_ms;
use crate::{Error, ErrorCode, Result};

/// The columns [`delivery_from_row`] reads, for a query that names the table `d`.
pub(crate) const DELIVERY_COLUMNS: &str = "d.id, d.batch_id, d.trigger, d.retry_of, d.email, \
    d.contact_name, d.company, d.object, d.action, d.status, d.salesforce_id, d.owner_id, \
    d.owner_reason, d.opportunity_id, d.campaign_member_id, d.error_code, d.error_message, \
    d.error_fields, d.error_http_status, d.error_salesforce_code, d.attempts, d.created_at, \
    d.updated_at, d.finished_at";

const ATTEMPT_COLUMNS: &str = "id, delivery_id, attempt_no, started_at, finished_at, duration_ms, \
    method, path, request_body, response_status, response_body, error_code, error_message, \
    error_fields, outcome, api_usage";

fn time_at(row: &Row<'_>, idx: usize) -> rusqlite::Result<chrono::DateTime<chrono::Utc>> {
    let ms: i64 = row.get(idx)?;
    from_ms(ms)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Integer, Box::new(e)))
}

fn opt_time_at(
    row: &Row<'_>,
    idx: usize,
) -> rusqlite::Result<Option<chrono::DateTime<chrono::Utc>>> {
    match row.get::<_, Option<i64>>(idx)? {
        None => Ok(None),
        Some(ms) => from_ms(ms).map(Some).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(idx, Type::Integer, Box::new(e))
        }),
    }
}

fn fields_at(row: &Row<'_>, idx: usize) -> rusqlite::Result<Vec<String>> {
    match row.get::<_, Option<String>>(idx)? {
        None => Ok(Vec::new()),
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e))),
    }
}

pub(crate) fn delivery_from_row(row: &Row<'_>) -> rusqlite::Result<Delivery> {
    let error_code: Option<String> = row.get(15)?;
    let error = match error_code {
        None => None,
        Some(code) => Some(DeliveryError {
            code,
            message: row.get::<_, Option<String>>(16)?.unwrap_or_default(),
            fields: fields_at(row, 17)?,
            http_status: row.get(18)?,
            salesforce_code: row.get(19)?,
        }),
    };
    Ok(Delivery {
        id: DeliveryId(row.get(0)?),
        batch_id: super::model::BatchId(row.get(1)?),
        trigger: row.get(2)?,
        retry_of: row.get::<_, Option<i64>>(3)?.map(DeliveryId),
        email: row.get(4)?,
        contact_name: row.get(5)?,
        company: row.get(6)?,
        object: row.get(7)?,
        action: row.get(8)?,
        status: row.get(9)?,
        salesforce_id: row.get(10)?,
        owner_id: row.get(11)?,
        owner_reason: row.get(12)?,
        opportunity_id: row.get(13)?,
        campaign_member_id: row.get(14)?,
        error,
        attempts: row.get(20)?,
        created_at: time_at(row, 21)?,
        updated_at: time_at(row, 22)?,
        finished_at: opt_time_at(row, 23)?,
    })
}

fn attempt_from_row(row: &Row<'_>) -> rusqlite::Result<Attempt> {
    let code: Option<String> = row.get(11)?;
    let message: Option<String> = row.get(12)?;
    let fields = fields_at(row, 13)?;
    let error = (code.is_some() || message.is_some() || !fields.is_empty()).then(|| AttemptError {
        code,
        message: message.unwrap_or_default(),
        fields,
    });
    Ok(Attempt {
        id: AttemptId(row.get(0)?),
        delivery_id: DeliveryId(row.get(1)?),
        attempt: row.get(2)?,
        started_at: time_at(row, 3)?,
        finished_at: opt_time_at(row, 4)?,
        duration_ms: row.get(5)?,
        method: row.get(6)?,
        path: row.get(7)?,
        request_body: row.get(8)?,
        response_status: row.get(9)?,
        response_body: row.get(10)?,
        error,
        outcome: row.get(14)?,
        api_usage: row.get(15)?,
    })
}

/// One delivery with its payload, attempt timeline and retries.
pub fn get(conn: &Connection, id: DeliveryId) -> Result<DeliveryDetail> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {DELIVERY_COLUMNS}, d.payload FROM deliveries d WHERE d.id = ?1"
        ))?
        .query_row([id.0], |row| {
            Ok((delivery_from_row(row)?, row.get::<_, String>(24)?))
        })
        .optional()?;
    let (delivery, payload) = found.ok_or_else(|| {
        Error::new(
            ErrorCode::NotFound,
            format!(
                "delivery {id} does not exist (it may have been pruned by the retention setting)"
            ),
        )
    })?;
    let attempts = conn
        .prepare_cached(&format!(
            "SELECT {ATTEMPT_COLUMNS} FROM delivery_attempts WHERE delivery_id = ?1 ORDER BY attempt_no"
        ))?
        .query_map([id.0], attempt_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let retried_by = conn
        .prepare_cached("SELECT id FROM deliveries WHERE retry_of = ?1 ORDER BY id")?
        .query_map([id.0], |r| r.get(0).map(DeliveryId))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(DeliveryDetail {
        delivery,
        payload,
        attempts,
        retried_by,
    })
}

/// Everything a resume must look at: deliveries still `pending` or `in_flight`, oldest first,
/// each with its payload and attempts. An attempt with outcome `unknown` may or may not have
/// reached Salesforce: re-check (query by email / the planned record) before sending again.
pub fn unfinished(conn: &Connection) -> Result<Vec<DeliveryDetail>> {
    let ids = conn
        .prepare_cached(
            "SELECT id FROM deliveries WHERE status IN ('pending', 'in_flight') ORDER BY id",
        )?
        .query_map([], |r| r.get(0).map(DeliveryId))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    ids.into_iter().map(|id| get(conn, id)).collect()
}
