//! The least-privilege check build.rs runs: every command registered in `generate_handler!`
//! must be granted by the window's capability file. It lives here, std only, so the same code
//! is compiled into build.rs (`#[path]`) and into the app crate's unit tests, which prove the
//! failure path: a build script's own `#[test]`s are never run by `cargo test`.

/// The permission tauri-build generates for a command: `allow-` and the name with dashes.
pub fn permission(command: &str) -> String {
    format!("allow-{}", command.replace('_', "-"))
}

/// The commands registered in `handler_source` (the text of `handler_path`), once each, after
/// checking that `capability` (the text of `capability_path`) grants every one of them. The
/// error is the whole message the build prints: it names both files and each missing line.
pub fn checked_commands(
    handler_path: &str,
    handler_source: &str,
    capability_path: &str,
    capability: &str,
) -> Result<Vec<String>, String> {
    let commands = registered_commands(handler_source)
        .map_err(|why| format!("cannot read the command list in {handler_path}: {why}"))?;
    let missing: Vec<String> = commands
        .iter()
        .map(|c| permission(c))
        .filter(|p| !capability.contains(&format!("\"{p}\"")))
        .collect();
    if missing.is_empty() {
        return Ok(commands);
    }
    Err(format!(
        "{capability_path} does not grant {} registered command(s). Add these lines to its \
         \"permissions\" list (one per command in generate_handler! in {handler_path}):\n{}",
        missing.len(),
        missing
            .iter()
            .map(|p| format!("    \"{p}\","))
            .collect::<Vec<_>>()
            .join("\n")
    ))
}

/// The function names inside `generate_handler![ ... ]`: the last path segment of each entry.
pub fn registered_commands(source: &str) -> Result<Vec<String>, String> {
    let start = source
        .find("generate_handler![")
        .ok_or("no `generate_handler![` found")?
        + "generate_handler![".len();
    let end = source[start..]
        .find(']')
        .ok_or("`generate_handler![` is not closed")?
        + start;
    let mut commands: Vec<String> = Vec::new();
    for line in source[start..end].lines() {
        let code = line.split("//").next().unwrap_or("");
        for entry in code.split(',') {
            let path = entry.trim();
            if path.is_empty() {
                continue;
            }
            let name = path.rsplit("::").next().unwrap_or(path).trim();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("`{path}` is not a command path"));
            }
            if commands.iter().any(|c| c == name) {
                return Err(format!("`{name}` is registered twice"));
            }
            commands.push(name.to_string());
        }
    }
    if commands.is_empty() {
        return Err("generate_handler! lists no command".into());
    }
    Ok(commands)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIB: &str = "src/lib.rs";
    const CAP: &str = "capabilities/default.json";
    const SOURCE: &str = "tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![
            commands::info::app_info,
            // commands::old::retired_command,
            commands::sync::sync_push, commands::sync::sync_cancel,
        ])";

    #[test]
    fn a_capability_granting_every_command_passes() {
        let capability = r#"{ "permissions": ["core:event:default", "allow-app-info",
            "allow-sync-push", "allow-sync-cancel"] }"#;
        assert_eq!(
            checked_commands(LIB, SOURCE, CAP, capability),
            Ok(vec![
                "app_info".to_string(),
                "sync_push".to_string(),
                "sync_cancel".to_string()
            ])
        );
    }

    #[test]
    fn a_missing_grant_fails_naming_the_command_and_both_files() {
        // Only "allow-sync-push" is missing; "allow-sync-push-all" must not count for it.
        let capability =
            r#"{ "permissions": ["allow-app-info", "allow-sync-push-all", "allow-sync-cancel"] }"#;
        let message = checked_commands(LIB, SOURCE, CAP, capability).unwrap_err();
        assert!(message
            .starts_with("capabilities/default.json does not grant 1 registered command(s)."));
        assert!(message.contains("generate_handler! in src/lib.rs"));
        assert!(message.ends_with("\n    \"allow-sync-push\","), "{message}");
        assert!(!message.contains("allow-app-info") && !message.contains("retired"));
    }

    #[test]
    fn an_unreadable_handler_list_fails_naming_the_file() {
        let twice = "generate_handler![a::sync_push, b::sync_push]";
        assert_eq!(
            checked_commands(LIB, twice, CAP, "").unwrap_err(),
            "cannot read the command list in src/lib.rs: `sync_push` is registered twice"
        );
        assert_eq!(
            checked_commands(LIB, "fn main() {}", CAP, "").unwrap_err(),
            "cannot read the command list in src/lib.rs: no `generate_handler![` found"
        );
        assert_eq!(
            registered_commands("generate_handler![ a::b(c) ]").unwrap_err(),
            "`a::b(c)` is not a command path"
        );
        assert_eq!(
            registered_commands("generate_handler![ ]").unwrap_err(),
            "generate_handler! lists no command"
        );
    }

    #[test]
    fn the_permission_name_uses_dashes() {
        assert_eq!(permission("org_cancel_login"), "allow-org-cancel-login");
    }
}
