//! Tells a database error that retrying cannot cure (the database refused this data: a
//! constraint, a value it cannot store, a statement it cannot run) from one that may go
//! away (no connection, a full pool, a lock, a deadlock, a full disk). The first kind sends
//! the delivery to the quarantine for staff; only the second is a `503` for the carrier to
//! retry, since a retry of the first would fail the same way forever.
use sea_orm::sqlx;
use sea_orm::{DbErr, RuntimeErr};

/// `true` when the same statement with the same data would fail again.
pub fn is_permanent(error: &DbErr) -> bool {
    let sqlx_error = match error {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        // sea-orm's own conversions of the values it was given.
        DbErr::TryIntoErr { .. } | DbErr::Type(_) | DbErr::Json(_) => return true,
        _ => return false,
    };
    match sqlx_error {
        sqlx::Error::Database(db) => {
            let postgres = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().is_some();
            db.code().is_some_and(|code| if postgres { permanent_sqlstate(&code) } else { permanent_sqlite_code(&code) })
        }
        sqlx::Error::Encode(_) | sqlx::Error::TypeNotFound { .. } => true,
        _ => false,
    }
}

/// PostgreSQL's SQLSTATEs are classed by their first two characters.
fn permanent_sqlstate(code: &str) -> bool {
    matches!(
        code.get(..2),
        // data exception (22021: a character the encoding refuses, NUL among them),
        // integrity constraint, dependent objects, program limit, an exception a trigger
        // raised. Not 42 (syntax or access: a missing table is a deploy not yet migrated,
        // which must be retried, not sent to the quarantine).
        Some("22" | "23" | "2B" | "54" | "P0")
    )
}

/// SQLite's (extended) result codes, whose low byte is the primary code.
fn permanent_sqlite_code(code: &str) -> bool {
    code.parse::<i64>().is_ok_and(|code| {
        matches!(
            code & 0xff,
            // TOOBIG, CONSTRAINT, MISMATCH, RANGE. Not SQLITE_ERROR (1): "no such table" is a
            // deploy not yet migrated, to be retried.
            18 | 19 | 20 | 25
        )
    })
}

#[cfg(test)]
mod tests {
    use super::{permanent_sqlite_code, permanent_sqlstate};

    #[test]
    fn refusals_are_permanent_and_outages_are_not() {
        for permanent in ["22021", "22P05", "23505", "23514", "54000", "P0001"] {
            assert!(permanent_sqlstate(permanent), "{permanent}");
        }
        // Connection (08), serialization and deadlock (40), an undefined table (42P01: not
        // yet migrated), resources (53), shutdown (57).
        for transient in ["08006", "40001", "40P01", "42P01", "53100", "57P01"] {
            assert!(!permanent_sqlstate(transient), "{transient}");
        }
        for permanent in ["19", "2067", "1811", "18"] {
            assert!(permanent_sqlite_code(permanent), "{permanent}");
        }
        // BUSY (5), LOCKED (6), IOERR (10 and its extended codes), FULL (13), CORRUPT (11).
        for transient in ["1", "5", "517", "6", "10", "3850", "13", "11"] {
            assert!(!permanent_sqlite_code(transient), "{transient}");
        }
    }
}
