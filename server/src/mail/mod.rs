//! Customer notifications by mail, opt-in from the share link:
//! 1. subscribe: `POST /t/{token}/subscribe` (`http::subscriptions`) makes a pending
//!    subscription for that parcel and queues a confirmation mail (`subscriptions`);
//! 2. confirm: the link in that mail confirms it; from then on
//! 3. hand-out: each round of the worker (`mailer`) turns the parcel's new outbox events
//!    that are worth a mail (`compose::kind_of`) into one queued mail each (`handout`);
//! 4. send: due mails are claimed, composed in the subscriber's language (`compose`) and
//!    sent over SMTP, once per event, retried on failure;
//! 5. forget: the unsubscribe link in every mail deletes the address, and addresses of
//!    parcels finished longer ago than `WAYBILL_MAIL_KEEP_DAYS` are deleted.
//!
//! Staff alert mail shares the queue (`alert_mail`): queued by the write that raises the
//! alert, sent and retried by the same worker. The queue's protocol (claims, leases, the
//! next-attempt rule) is the relay's (`crate::relay`).
pub mod alert_mail;
pub mod compose;
pub mod handout;
pub mod mailer;
pub mod subscriptions;
