//! The commands the front end calls (`invoke` in ui/src/lib/api.ts). Each one
//! is a thin call into [`Desk`]; errors cross as `{code, message}`.

use std::sync::Mutex;
use std::time::Duration;

use switchboard_core::account::Account;
use switchboard_core::case::CaseStatus;
use switchboard_core::outbox::OutboxItem;
use switchboard_core::view::{CaseDetail, InboxPage, InboxQuery, WorkspaceInfo};
use switchboard_engine::listen::PollOutcome;
use switchboard_engine::oauth::{OAuthClient, SystemBrowser};
use switchboard_engine::{Desk, DeskError};
use switchboard_store::listening::ListeningQuery;
use switchboard_vault::Secret;
use tauri::State;
use tokio::sync::oneshot;

/// The open workspace, or why it could not be opened. Signing in or out
/// puts another desk (the same store, another member) in its place
/// (`settings_commands`); each one is leaked, so a command may hold a
/// `&Desk` while another signs in (a handful a session, a few hundred bytes each).
pub struct Workspace(std::sync::RwLock<Result<&'static Desk, DeskError>>);

impl Workspace {
    pub fn new(desk: Result<Desk, DeskError>) -> Self {
        Workspace(std::sync::RwLock::new(desk.map(|d| &*Box::leak(Box::new(d)))))
    }

    pub(crate) fn desk(&self) -> Result<&Desk, DeskError> {
        match self.0.read() {
            Ok(d) => d.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// From now on commands run on `desk`.
    pub(crate) fn replace(&self, desk: Desk) {
        let desk: &'static Desk = Box::leak(Box::new(desk));
        match self.0.write() {
            Ok(mut d) => *d = Ok(desk),
            Err(p) => *p.into_inner() = Ok(desk),
        }
    }
}

type Reply<T> = Result<T, DeskError>;

/// Largest inbox page one call may ask for.
const MAX_PAGE: i64 = 500;

#[tauri::command]
pub async fn workspace_info(ws: State<'_, Workspace>) -> Reply<WorkspaceInfo> {
    ws.desk()?.workspace_info().await
}

#[tauri::command]
pub async fn load_demo(ws: State<'_, Workspace>) -> Reply<WorkspaceInfo> {
    ws.desk()?.load_demo().await
}

#[tauri::command]
pub async fn inbox(ws: State<'_, Workspace>, query: InboxQuery) -> Reply<InboxPage> {
    if query.limit < 1 || query.limit > MAX_PAGE || query.offset < 0 {
        return Err(DeskError::invalid(format!("an inbox page holds 1 to {MAX_PAGE} cases from offset 0 or more")));
    }
    ws.desk()?.inbox(query).await
}

#[tauri::command]
pub async fn case_detail(ws: State<'_, Workspace>, case_id: i64) -> Reply<CaseDetail> {
    ws.desk()?.case_detail(case_id).await
}

#[tauri::command]
pub async fn assign_case(
    ws: State<'_, Workspace>,
    case_id: i64,
    member_id: Option<i64>,
    expected_version: Option<i64>,
) -> Reply<CaseDetail> {
    ws.desk()?.assign(case_id, member_id, expected_version).await
}

#[tauri::command]
pub async fn move_case(
    ws: State<'_, Workspace>,
    case_id: i64,
    department_id: Option<i64>,
    expected_version: Option<i64>,
) -> Reply<CaseDetail> {
    ws.desk()?.move_to(case_id, department_id, expected_version).await
}

/// Hands the case to another department with a reason (a hand-off on the timeline).
#[tauri::command]
pub async fn hand_off_case(
    ws: State<'_, Workspace>,
    case_id: i64,
    department_id: i64,
    reason: String,
    expected_version: Option<i64>,
) -> Reply<CaseDetail> {
    ws.desk()?.hand_off(case_id, department_id, &reason, expected_version).await
}

#[tauri::command]
pub async fn set_status(
    ws: State<'_, Workspace>,
    case_id: i64,
    status: CaseStatus,
    expected_version: Option<i64>,
) -> Reply<CaseDetail> {
    ws.desk()?.set_status(case_id, status, expected_version).await
}

#[tauri::command]
pub async fn add_note(ws: State<'_, Workspace>, case_id: i64, body: String) -> Reply<CaseDetail> {
    ws.desk()?.add_note(case_id, body).await
}

#[tauri::command]
pub async fn accounts(ws: State<'_, Workspace>) -> Reply<Vec<Account>> {
    ws.desk()?.accounts().await
}

#[tauri::command]
pub async fn connect_feed(
    ws: State<'_, Workspace>,
    url: String,
    name: Option<String>,
    channel: Option<String>,
) -> Reply<Account> {
    ws.desk()?.connect_feed(&url, name.as_deref(), channel.as_deref()).await
}

/// Connects a social network account. The secret (a Bluesky app password,
/// or a Mastodon / X / Reddit access token) is checked with the network and
/// kept in the OS keychain by the engine; it is wrapped in a [`Secret`] (wiped
/// when dropped, printed as `***`) the moment it arrives, is never returned,
/// and is scrubbed from any error message on the way back. `user_id` is the
/// numeric account id X needs.
#[tauri::command]
pub async fn connect_account(
    ws: State<'_, Workspace>,
    network: String,
    base_url: String,
    handle: String,
    secret: String,
    user_id: Option<String>,
) -> Reply<Account> {
    let secret = Secret::new(secret);
    connect(ws.desk()?, &network, &base_url, &handle, secret.clone(), user_id.as_deref())
        .await
        .map_err(|e| without_secret(e, &secret))
}

async fn connect(
    desk: &Desk,
    network: &str,
    base_url: &str,
    handle: &str,
    secret: Secret,
    user_id: Option<&str>,
) -> Reply<Account> {
    let (base_url, handle) = (base_url.trim(), handle.trim());
    let user_id = user_id.map(str::trim).filter(|id| !id.is_empty());
    check_connect(network, base_url, handle, &secret)?;
    match network {
        "bluesky" => desk.connect_bluesky(base_url, handle, secret).await,
        "mastodon" => desk.connect_mastodon(base_url, handle, secret).await,
        _ => desk.connect_with_token(network, base_url, handle, user_id, secret).await,
    }
}

/// What can be refused before asking the network: an unknown network, or a
/// missing address, handle or secret.
fn check_connect(network: &str, base_url: &str, handle: &str, secret: &Secret) -> Result<(), DeskError> {
    if !matches!(network, "bluesky" | "mastodon" | "x" | "reddit") {
        return Err(DeskError::invalid(format!(
            "{network:?} is not a network accounts connect to: bluesky, mastodon, x or reddit (feeds connect with connect_feed)"
        )));
    }
    if base_url.is_empty() {
        return Err(DeskError::invalid("the server address is missing"));
    }
    if handle.is_empty() {
        return Err(DeskError::invalid("the account's handle is missing"));
    }
    if secret.expose().trim().is_empty() {
        return Err(DeskError::invalid(if network == "bluesky" {
            "the app password is missing"
        } else {
            "the access token is missing"
        }));
    }
    Ok(())
}

/// An error with every occurrence of the secret replaced by `***`, in case
/// some layer below quoted what it was given.
fn without_secret(mut e: DeskError, secret: &Secret) -> DeskError {
    let s = secret.expose();
    if !s.is_empty() && e.message.contains(s) {
        e.message = e.message.replace(s, "***");
    }
    e
}

/// How long a browser sign-in waits for the person to finish it.
const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

/// The sign-in waiting in the browser, if any: sending (or dropping) stops it.
static SIGN_IN: Mutex<Option<oneshot::Sender<()>>> = Mutex::new(None);

/// What a browser sign-in was given, checked before any browser opens.
#[derive(Debug, PartialEq)]
struct SignIn {
    network: &'static str,
    base_url: String,
    handle: String,
    user_id: Option<String>,
    client_id: String,
    redirect_port: Option<u16>,
}

/// Connects an X, Reddit or Mastodon account through the network's own
/// sign-in page: the system browser opens it, the redirect comes back to
/// `http://127.0.0.1:<redirect_port>/callback`, and the tokens are checked
/// with the network and kept in the OS keychain by the engine. Waits up to
/// five minutes for the person to finish (`cancel_oauth` stops it sooner; a
/// new sign-in replaces a waiting one). For Mastodon an empty client id
/// registers Switchboard on the instance. The client secret is wrapped in a
/// [`Secret`] on arrival, never returned, and scrubbed from errors.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn connect_oauth(
    ws: State<'_, Workspace>,
    network: String,
    base_url: String,
    handle: String,
    user_id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    redirect_port: Option<i64>,
) -> Reply<Account> {
    let secret = Secret::new(client_secret.unwrap_or_default());
    let scrub = |e: DeskError| without_secret(e, &secret);
    let desk = ws.desk()?;
    let sign_in = check_oauth(&network, &base_url, &handle, user_id.as_deref(), client_id.as_deref(), redirect_port).map_err(scrub)?;
    let mut client = OAuthClient::new(sign_in.client_id.clone());
    client.client_secret = Some(secret.clone()).filter(|s| !s.expose().trim().is_empty());
    client.redirect_port = sign_in.redirect_port;
    client.timeout = SIGN_IN_TIMEOUT;

    let (stop, stopped) = oneshot::channel();
    if let Ok(mut slot) = SIGN_IN.lock() {
        // Dropping the older sender stops a sign-in nobody waits for any more.
        *slot = Some(stop);
    }
    let flow = desk.connect_oauth(sign_in.network, &sign_in.base_url, &sign_in.handle, sign_in.user_id.as_deref(), client, &SystemBrowser);
    let result = tokio::select! {
        r = flow => r,
        _ = stopped => Err(DeskError::invalid("the sign-in was cancelled before it finished")),
    };
    if let Ok(mut slot) = SIGN_IN.lock() {
        if slot.as_ref().is_some_and(|s| s.is_closed()) {
            *slot = None;
        }
    }
    result.map_err(scrub)
}

/// Stops the browser sign-in that is waiting, if any. Returns whether one was.
#[tauri::command]
pub async fn cancel_oauth() -> Reply<bool> {
    let waiting = SIGN_IN.lock().ok().and_then(|mut slot| slot.take());
    Ok(waiting.is_some_and(|stop| stop.send(()).is_ok()))
}

/// What can be refused before a browser opens: a network without OAuth
/// sign-in here, a missing address or handle, X without its user id, X or
/// Reddit without the client id or redirect port of the app registered with
/// them, a port outside 1 to 65535.
fn check_oauth(
    network: &str,
    base_url: &str,
    handle: &str,
    user_id: Option<&str>,
    client_id: Option<&str>,
    redirect_port: Option<i64>,
) -> Result<SignIn, DeskError> {
    let network = match network {
        "x" => "x",
        "reddit" => "reddit",
        "mastodon" => "mastodon",
        other => {
            return Err(DeskError::invalid(format!(
                "{other:?} accounts do not sign in with the browser: x, reddit or mastodon do (bluesky connects with an app password)"
            )))
        }
    };
    let name = match network {
        "x" => "X",
        "reddit" => "Reddit",
        _ => "Mastodon",
    };
    let blank = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let base_url = base_url.trim();
    if base_url.is_empty() {
        return Err(DeskError::invalid(if network == "mastodon" {
            "the instance address is missing"
        } else {
            "the server address is missing"
        }));
    }
    let handle = handle.trim();
    if handle.trim_start_matches('@').trim_start_matches("u/").is_empty() {
        return Err(DeskError::invalid("the account's handle is missing"));
    }
    let user_id = blank(user_id);
    if network == "x" {
        match user_id.as_deref() {
            None => return Err(DeskError::invalid("an X account needs its numeric user id")),
            Some(id) if !id.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(DeskError::invalid(format!("{id:?} is not an X user id: digits only")))
            }
            _ => {}
        }
    }
    let client_id = blank(client_id);
    if network != "mastodon" && client_id.is_none() {
        return Err(DeskError::invalid(format!("signing in with {name} needs the client id of the app registered with {name}")));
    }
    let redirect_port = match redirect_port {
        None => None,
        Some(p) => Some(
            u16::try_from(p)
                .ok()
                .filter(|p| *p >= 1)
                .ok_or_else(|| DeskError::invalid(format!("the redirect port must be between 1 and 65535, not {p}")))?,
        ),
    };
    if network != "mastodon" && redirect_port.is_none() {
        return Err(DeskError::invalid(format!(
            "signing in with {name} needs the redirect port registered with the app (its redirect address is http://127.0.0.1:PORT/callback)"
        )));
    }
    Ok(SignIn {
        network,
        base_url: base_url.to_string(),
        handle: handle.to_string(),
        user_id: if network == "x" { user_id } else { None },
        client_id: client_id.unwrap_or_default(),
        redirect_port,
    })
}

/// Every listening query with its department id, tag and matches so far.
#[tauri::command]
pub async fn listening_queries(ws: State<'_, Workspace>) -> Reply<Vec<ListeningQuery>> {
    Ok(ws.desk()?.store().listening_queries().await?)
}

/// Saves a listening query (replacing the one of the same name). A query that
/// does not read is refused with the column of the problem; `department` is
/// a department's slug.
#[tauri::command]
pub async fn add_listening_query(
    ws: State<'_, Workspace>,
    name: String,
    query: String,
    department: Option<String>,
    tag: Option<String>,
) -> Reply<ListeningQuery> {
    let blank = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let (department, tag) = (blank(department), blank(tag));
    if name.trim().is_empty() {
        return Err(DeskError::invalid("a listening query needs a name"));
    }
    ws.desk()?.add_listening_query(name.trim(), &query, department.as_deref(), tag.as_deref()).await
}

#[tauri::command]
pub async fn poll_account(ws: State<'_, Workspace>, account_id: i64) -> Reply<PollOutcome> {
    ws.desk()?.poll(account_id).await
}

/// Writes a reply on the case and sends it. The reply is stored first: if
/// sending fails it stays in the outbox with the reason (see
/// `case_replies`), and the error says why. `based_on_version` is the case
/// version the draft began on: if others changed the case since, it is
/// refused (`conflict`, listing the changes) unless `confirm`. `template`:
/// the playbook template it was drafted from; a reply needing approval waits
/// in the approver's queue instead of being sent.
#[tauri::command]
pub async fn reply(
    ws: State<'_, Workspace>,
    case_id: i64,
    body: String,
    direct: bool,
    based_on_version: Option<i64>,
    confirm: Option<bool>,
    template: Option<String>,
) -> Reply<CaseDetail> {
    let desk = ws.desk()?;
    let item = desk.queue_reply_from(case_id, &body, direct, based_on_version, confirm.unwrap_or(false), template.as_deref()).await?;
    if item.approval.is_none() {
        desk.send_reply_now(item.id).await?;
    }
    desk.case_detail(case_id).await
}

/// Sends again what waits in the outbox (failed or interrupted replies).
#[tauri::command]
pub async fn send_replies(ws: State<'_, Workspace>) -> Reply<Vec<OutboxItem>> {
    let desk = ws.desk()?;
    let mut out = Vec::new();
    let mut first_error = None;
    for sent in desk.send_pending_replies().await? {
        match sent {
            Ok(item) => out.push(item),
            Err(e) => first_error = first_error.or(Some(e)),
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// The case's replies with their state (queued, sending, sent, failed).
#[tauri::command]
pub async fn case_replies(ws: State<'_, Workspace>, case_id: i64) -> Reply<Vec<OutboxItem>> {
    Ok(ws.desk()?.case_replies(case_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_never_carries_the_secret() {
        let secret = Secret::new("s3cr3t-token");
        let e = without_secret(DeskError::invalid("x refused s3cr3t-token (twice: s3cr3t-token)"), &secret);
        assert_eq!(e.message, "x refused *** (twice: ***)");
        assert_eq!(e.code, "invalid");
        let plain = without_secret(DeskError::invalid("could not reach the network"), &secret);
        assert_eq!(plain.message, "could not reach the network");
        let empty = without_secret(DeskError::invalid("unchanged"), &Secret::new(""));
        assert_eq!(empty.message, "unchanged");
    }

    #[test]
    fn what_is_refused_before_the_network_is_asked() {
        let secret = Secret::new("tok");
        let refuse = |network, base, handle, secret: &Secret| check_connect(network, base, handle, secret).unwrap_err().message;
        assert!(refuse("rss", "https://a.example", "h", &secret).contains("not a network accounts connect to"));
        assert!(refuse("facebook", "https://a.example", "h", &secret).contains("\"facebook\""));
        assert_eq!(refuse("x", "", "h", &secret), "the server address is missing");
        assert_eq!(refuse("reddit", "https://oauth.reddit.com", "", &secret), "the account's handle is missing");
        assert_eq!(refuse("bluesky", "https://bsky.social", "h", &Secret::new("  ")), "the app password is missing");
        assert_eq!(refuse("mastodon", "https://m.example", "h", &Secret::new("")), "the access token is missing");
        for network in ["bluesky", "mastodon", "x", "reddit"] {
            assert!(check_connect(network, "https://a.example", "h", &secret).is_ok(), "{network}");
        }
    }

    #[test]
    fn a_browser_sign_in_is_checked_before_the_browser_opens() {
        let refuse = |network, base, handle, user: Option<&str>, client: Option<&str>, port: Option<i64>| {
            check_oauth(network, base, handle, user, client, port).unwrap_err()
        };
        let x = |user, client, port| refuse("x", "https://api.x.com", "LumenHelp", user, client, port).message;
        assert!(refuse("bluesky", "https://bsky.social", "h", None, Some("id"), Some(8719)).message.contains("do not sign in with the browser"));
        assert!(refuse("rss", "https://a.example", "h", None, Some("id"), Some(8719)).message.contains("\"rss\""));
        assert_eq!(refuse("bluesky", "", "", None, None, None).code, "invalid");
        assert_eq!(x(None, Some("id"), Some(8719)), "an X account needs its numeric user id");
        assert_eq!(x(Some("  "), Some("id"), Some(8719)), "an X account needs its numeric user id");
        assert!(x(Some("13000x"), Some("id"), Some(8719)).contains("digits only"));
        assert!(x(Some("1300"), None, Some(8719)).contains("needs the client id of the app registered with X"));
        assert!(x(Some("1300"), Some(" "), Some(8719)).contains("client id"));
        assert!(x(Some("1300"), Some("id"), None).contains("needs the redirect port"));
        for port in [0, -1, 65536, 1 << 40] {
            assert_eq!(x(Some("1300"), Some("id"), Some(port)), format!("the redirect port must be between 1 and 65535, not {port}"));
        }
        assert!(refuse("reddit", "https://oauth.reddit.com", "LumenSupport", None, None, Some(8719)).message.contains("registered with Reddit"));
        assert!(refuse("reddit", "https://oauth.reddit.com", "LumenSupport", None, Some("id"), None).message.contains("redirect port"));
        assert_eq!(refuse("reddit", "https://oauth.reddit.com", " u/ ", None, Some("id"), Some(8719)).message, "the account's handle is missing");
        assert_eq!(refuse("mastodon", " ", "lumen", None, None, None).message, "the instance address is missing");
        assert!(refuse("mastodon", "https://social.example", "lumen", None, None, Some(70000)).message.contains("not 70000"));

        // What passes, trimmed; Mastodon needs neither a client id (it registers an app) nor a port.
        assert_eq!(
            check_oauth("x", " https://api.x.com ", " LumenHelp ", Some(" 1300000000000000001 "), Some(" abc "), Some(8719)).unwrap(),
            SignIn {
                network: "x",
                base_url: "https://api.x.com".into(),
                handle: "LumenHelp".into(),
                user_id: Some("1300000000000000001".into()),
                client_id: "abc".into(),
                redirect_port: Some(8719),
            }
        );
        let reddit = check_oauth("reddit", "https://oauth.reddit.com", "LumenSupport", Some("ignored"), Some("id"), Some(65535)).unwrap();
        assert_eq!((reddit.user_id, reddit.redirect_port), (None, Some(65535)));
        let mastodon = check_oauth("mastodon", "https://social.example", "lumen", None, Some(""), None).unwrap();
        assert_eq!((mastodon.client_id.as_str(), mastodon.redirect_port), ("", None));
        assert_eq!(check_oauth("mastodon", "https://social.example", "lumen", None, None, Some(1)).unwrap().redirect_port, Some(1));
    }

    #[tokio::test]
    async fn cancelling_with_no_sign_in_waiting_says_so() {
        assert!(!cancel_oauth().await.unwrap());
    }
}
