//! `GET /limits`.

use serde_json::json;

use super::Call;
use crate::api::ApiResponse;

pub fn limits(call: &Call, bulk_batches_used: u64) -> ApiResponse {
    let (used, max) = call.api_usage;
    let fixed = |max: u64| json!({ "Max": max, "Remaining": max });
    ApiResponse::json(
        200,
        json!({
            "ConcurrentAsyncGetReportInstances": fixed(200),
            "DailyApiRequests": { "Max": max, "Remaining": max.saturating_sub(used) },
            "DailyAsyncApexExecutions": fixed(250_000),
            "DailyBulkApiBatches": {
                "Max": crate::bulk::DAILY_BULK_BATCHES,
                "Remaining": crate::bulk::DAILY_BULK_BATCHES.saturating_sub(bulk_batches_used)
            },
            "DailyBulkV2QueryFileStorageMB": fixed(976_562),
            "DailyBulkV2QueryJobs": fixed(10_000),
            "DataStorageMB": { "Max": 5, "Remaining": 4 },
            "FileStorageMB": { "Max": 20, "Remaining": 20 },
            "HourlyTimeBasedWorkflow": fixed(50),
            "SingleEmail": fixed(15),
        }),
    )
}
