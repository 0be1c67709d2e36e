//! Who shows the authorization page: the system browser in the app, the
//! system browser plus the address on the terminal in the command (for a
//! headless box), and in tests a client that plays the browser.

use async_trait::async_trait;

/// Opens the authorization page at `url`. An error ends the flow, so an
/// opener that can fall back (print the address) should not return one.
#[async_trait]
pub trait Opener: Send + Sync {
    async fn open(&self, url: &str) -> Result<(), String>;
}

/// The system browser (xdg-open, `open`, `start`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemBrowser;

#[async_trait]
impl Opener for SystemBrowser {
    async fn open(&self, url: &str) -> Result<(), String> {
        let url = url.to_string();
        tokio::task::spawn_blocking(move || open::that_detached(&url))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())
    }
}

/// Prints the address on standard error (so it can be copied to a browser on
/// another machine) and, unless `print_only`, tries the system browser;
/// never fails.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConsoleBrowser {
    pub print_only: bool,
}

#[async_trait]
impl Opener for ConsoleBrowser {
    async fn open(&self, url: &str) -> Result<(), String> {
        eprintln!("Open this address in a browser to connect the account:\n\n  {url}\n");
        if !self.print_only {
            if let Err(e) = SystemBrowser.open(url).await {
                eprintln!("(could not open a browser here: {e}; open the address yourself)");
            }
        }
        let port = url::Url::parse(url)
            .ok()
            .and_then(|u| u.query_pairs().find(|(k, _)| k == "redirect_uri").map(|(_, v)| v.into_owned()))
            .and_then(|r| url::Url::parse(&r).ok())
            .and_then(|r| r.port());
        if let Some(port) = port {
            eprintln!("(The sign-in comes back to 127.0.0.1:{port} on this machine: from a browser elsewhere, forward it first,");
            eprintln!(" e.g. ssh -L {port}:127.0.0.1:{port} this-host)");
        }
        eprintln!("Waiting for the sign-in to come back...");
        Ok(())
    }
}
