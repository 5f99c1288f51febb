use std::path::Path;
use std::process::ExitCode;

use leadbridge_core::Result;

use super::context::Context;
use crate::output;

pub fn run(data_dir: Option<&Path>, json: bool) -> Result<ExitCode> {
    let ctx = Context::open(data_dir)?;
    let info = leadbridge_core::app_info::app_info(&ctx.data_dir, &ctx.store)?;
    if json {
        output::json_line(&info)?;
    } else {
        outln!(
            "{} {} ({}, {})",
            info.name,
            info.version,
            info.build_profile,
            info.platform
        );
        outln!("data dir:  {}", info.data_dir);
        outln!(
            "database:  {} (schema {})",
            info.database_path,
            info.schema_version
        );
        outln!("logs:      {}", info.log_dir);
    }
    Ok(ExitCode::SUCCESS)
}
