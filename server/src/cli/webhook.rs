//! `waybill webhook add|list|remove`: merchant webhook endpoints from the command line,
//! the same as the back office's API (`outbound::endpoints`). `add` prints the id and the
//! `whsec_` secret on standard output, one per line, for scripts to capture.
use crate::outbound::endpoints::{self, NewEndpoint};
use crate::settings::Settings;
use app::carrier::Carrier;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Add an endpoint; prints its id and its secret (shown this once).
    Add {
        /// Where to POST the events: https:// (http:// and private addresses only with
        /// WAYBILL_OUTBOUND_ALLOW_PRIVATE=1).
        #[arg(long)]
        url: String,
        /// The event kinds it wants, comma-separated (all parcel kinds unless given).
        #[arg(long)]
        events: Option<String>,
        /// Only this carrier's parcels.
        #[arg(long)]
        carrier: Option<Carrier>,
    },
    /// List the endpoints: id, URL, kinds, carrier, state. Never their secrets.
    List,
    /// Remove an endpoint by its id; what it had not received yet is given up.
    Remove { id: String },
}

pub async fn webhook(settings: &Settings, command: WebhookCommand) -> anyhow::Result<()> {
    let db = crate::db::connect_with(settings.database_url.expose(), settings.db_limits).await?;
    crate::db::migrate(&db).await?;
    let writer = crate::db::Writer::new(&db);
    match command {
        WebhookCommand::Add { url, events, carrier } => {
            let events = endpoints::parse_kinds(events.as_deref().unwrap_or(""))?;
            let added =
                endpoints::add_endpoint(&writer, NewEndpoint { url, events, carrier }, settings.outbound.allow_private, "cli").await?;
            println!("{}", added.id);
            println!("{}", added.secret);
            eprintln!("The secret is shown this once. Verify each delivery's webhook-signature with it (docs/WEBHOOKS.md).");
        }
        WebhookCommand::List => {
            println!("{:<20} {:<8} {:<12} {:<60} events", "id", "state", "carrier", "url");
            for e in endpoints::list_endpoints(&db).await? {
                let state = if e.disabled_at.is_some() {
                    "disabled"
                } else if e.failing_since.is_some() {
                    "failing"
                } else {
                    "enabled"
                };
                let kinds: Vec<&str> = endpoints::kinds_of(&e).iter().map(|k| k.as_str()).collect();
                let carrier = e.carrier.map_or("any", |c| c.as_str());
                println!("{:<20} {:<8} {:<12} {:<60} {}", e.id, state, carrier, e.url, kinds.join(","));
                if let Some(reason) = &e.disabled_reason {
                    println!("{:<20} disabled: {reason}", "");
                }
            }
        }
        WebhookCommand::Remove { id } => {
            endpoints::remove_endpoint(&writer, &id, "cli").await?;
            println!("webhook endpoint {id} removed");
        }
    }
    Ok(())
}
