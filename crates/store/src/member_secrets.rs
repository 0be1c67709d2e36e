//! Member sign-in in the store: each member's passphrase hash (hashing and
//! checking are the engine's; the store never sees a passphrase) and the
//! sessions of the desks signed in. A session is known here only by the
//! SHA-256 of its token; the token itself stays in the desk's local profile.
//! Setting a passphrase, signing in (and a refused attempt) and signing out
//! each append an audit entry (`member.passphrase_set`, `member.signed_in`,
//! `member.sign_in_refused`, `member.signed_out`, subject `member:ID`).

use serde_json::json;
use switchboard_core::desk::Member;
use switchboard_core::time::now_ms;

use crate::audit::{append, sha256_hex, AuditEntry};
use crate::{Result, Store};

impl Store {
    /// The member's passphrase hash (PHC string), if one was set.
    pub async fn member_passphrase_hash(&self, member_id: i64) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT passphrase_hash FROM member_secrets WHERE member_id = $1")
            .bind(member_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Whether any member has a passphrase: from then on the workspace asks
    /// its desks to sign in.
    pub async fn sign_in_enabled(&self) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM member_secrets").fetch_one(&self.pool).await?;
        Ok(n > 0)
    }

    /// Sets (or replaces) the member's passphrase hash and ends every session
    /// they had; audited in `by`'s name.
    pub async fn set_member_passphrase_hash(&self, member: &Member, hash: &str, by: &str) -> Result<()> {
        let at = now_ms();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO member_secrets (member_id, passphrase_hash, set_at, set_by) VALUES ($1, $2, $3, $4)
             ON CONFLICT (member_id) DO UPDATE SET passphrase_hash = excluded.passphrase_hash,
                 set_at = excluded.set_at, set_by = excluded.set_by",
        )
        .bind(member.id)
        .bind(hash)
        .bind(at)
        .bind(by)
        .execute(&mut *tx)
        .await?;
        let ended = sqlx::query("DELETE FROM member_sessions WHERE member_id = $1").bind(member.id).execute(&mut *tx).await?;
        let entry = AuditEntry::new(
            at,
            by,
            "member.passphrase_set",
            format!("member:{}", member.id),
            json!({ "handle": member.handle, "sessions_ended": ended.rows_affected() }),
        );
        append(&mut tx, self.backend, &[entry]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a sign-in: a new session under the token's hash, audited.
    pub async fn open_member_session(&self, member: &Member, token: &str, desk: &str) -> Result<()> {
        let at = now_ms();
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO member_sessions (token_hash, member_id, desk, created_at) VALUES ($1, $2, $3, $4)")
            .bind(sha256_hex(token.as_bytes()))
            .bind(member.id)
            .bind(desk)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        let entry = AuditEntry::new(at, &member.handle, "member.signed_in", format!("member:{}", member.id), json!({ "desk": desk }));
        append(&mut tx, self.backend, &[entry]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a refused sign-in (wrong passphrase, or none set) for `handle`.
    pub async fn record_refused_sign_in(&self, handle: &str, member_id: Option<i64>, desk: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let subject = member_id.map_or_else(|| "member:unknown".to_string(), |id| format!("member:{id}"));
        let entry = AuditEntry::new(now_ms(), handle, "member.sign_in_refused", subject, json!({ "desk": desk }));
        append(&mut tx, self.backend, &[entry]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The member whose session this token opened, if it is still open.
    pub async fn session_member(&self, token: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT member_id FROM member_sessions WHERE token_hash = $1")
            .bind(sha256_hex(token.as_bytes()))
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Ends the session (signing out); audited when there was one.
    pub async fn close_member_session(&self, token: &str, member: &Member) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let gone = sqlx::query("DELETE FROM member_sessions WHERE token_hash = $1 AND member_id = $2")
            .bind(sha256_hex(token.as_bytes()))
            .bind(member.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if gone > 0 {
            let entry = AuditEntry::new(now_ms(), &member.handle, "member.signed_out", format!("member:{}", member.id), json!({}));
            append(&mut tx, self.backend, &[entry]).await?;
        }
        tx.commit().await?;
        Ok(gone > 0)
    }
}
