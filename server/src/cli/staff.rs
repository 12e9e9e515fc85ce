//! `waybill create-staff` and `waybill create-api-key`.
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
    let db = crate::db::connect(settings.database_url.expose()).await?;
    crate::db::migrate(&db).await?;
    let hasher = PasswordHasher::new(1);
    let created = accounts::create_or_reset_staff(&db, &hasher, email, password).await?;
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
    let db = crate::db::connect(settings.database_url.expose()).await?;
    crate::db::migrate(&db).await?;
    let key = accounts::create_api_key(&db, email).await?;
    println!("{key}");
    eprintln!("This key is shown once; only its hash is stored. Send it as `Authorization: Bearer <key>`.");
    Ok(())
}
