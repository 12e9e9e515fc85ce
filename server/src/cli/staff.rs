//! `waybill create-staff`, `create-api-key`, `list-api-keys` and `revoke-api-key`.
use crate::settings::Settings;
use crate::staff::accounts::{self, PasswordHasher};
use anyhow::Context;
use std::io::BufRead;

/// Reads the password from the first line of standard input (a terminal, a pipe or a file),
/// so it never appears in the process list or the shell history.
pub async fn create_staff(settings: &Settings, email: &str) -> anyhow::Result<()> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    let db = crate::db::connect_with(settings.database_url.expose(), settings.db_limits).await?;
    crate::db::migrate(&db).await?;
    let writer = crate::db::Writer::new(&db);
    let hasher = PasswordHasher::new(1);
    let created = accounts::create_or_reset_staff(&writer, &hasher, email, password).await?;
    let email = accounts::normalize_email(email)?;
    if created {
        println!("staff account created: {email}");
    } else {
        println!("password updated for staff account {email}");
    }
    Ok(())
}

/// Prints the key on standard output, alone on its line, for scripts to capture.
pub async fn create_api_key(settings: &Settings, email: &str) -> anyhow::Result<()> {
    let db = crate::db::connect_with(settings.database_url.expose(), settings.db_limits).await?;
    crate::db::migrate(&db).await?;
    let writer = crate::db::Writer::new(&db);
    let key = crate::staff::api_keys::create_api_key(&writer, email).await?;
    println!("{key}");
    eprintln!("This key is shown once; only its hash is stored. Send it as `Authorization: Bearer <key>`.");
    Ok(())
}

/// One key a line: id, prefix, owner, created, last used. Never the key itself.
pub async fn list_api_keys(settings: &Settings) -> anyhow::Result<()> {
    let db = crate::db::connect_with(settings.database_url.expose(), settings.db_limits).await?;
    crate::db::migrate(&db).await?;
    let keys = crate::staff::api_keys::list_api_keys(&db).await?;
    println!("{:<6} {:<14} {:<32} {:<26} last used", "id", "prefix", "owner", "created");
    for key in keys {
        let prefix = key.prefix.unwrap_or_else(|| "(none kept)".into());
        let last_used = key.last_used_at.map_or_else(|| "never".to_string(), |t| t.to_rfc3339());
        println!("{:<6} {:<14} {:<32} {:<26} {last_used}", key.id, prefix, key.owner, key.created_at.to_rfc3339());
    }
    Ok(())
}

/// Revokes the key at once: its next request is refused.
pub async fn revoke_api_key(settings: &Settings, id: i64) -> anyhow::Result<()> {
    let db = crate::db::connect_with(settings.database_url.expose(), settings.db_limits).await?;
    crate::db::migrate(&db).await?;
    let writer = crate::db::Writer::new(&db);
    if !crate::staff::api_keys::revoke_api_key(&writer, id, "cli").await? {
        anyhow::bail!("no API key has the id {id} (`waybill list-api-keys` lists them)");
    }
    println!("API key #{id} revoked");
    Ok(())
}
