//! What happens to posts once they are stored, whoever stored them (a poll,
//! an import, the demo): their authors are linked to customer records, the
//! models learn from any new labels and every post is understood (sentiment,
//! topic, language), then the cases with new customer posts are triaged
//! (rules, priority with its reasons, SLA clock, playbook suggestion). Each
//! step is idempotent and returns at once when there is nothing new, so this
//! runs after every batch.

use serde::Serialize;
use switchboard_core::time::now_ms;
use switchboard_store::identity::matching::MatchReport;

use crate::error::DeskError;
use crate::triage::TriageReport;
use crate::understand::{RetrainOutcome, UnderstandOutcome};
use crate::Desk;

/// What [`Desk::process_new`] did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcessOutcome {
    pub identity: MatchReport,
    pub training: RetrainOutcome,
    pub understood: UnderstandOutcome,
    pub triage: TriageReport,
    /// Early-warning alerts raised or updated (see [`crate::alerts`]).
    pub alerts: usize,
}

impl Desk {
    /// Links, learns, understands and triages what is new (see the module docs).
    pub async fn process_new(&self) -> Result<ProcessOutcome, DeskError> {
        let identity = self.link_new_authors().await?;
        let training = self.retrain().await?;
        let understood = self.understand_new().await?;
        let alerts = self.detect().await?.len();
        let triage = self.triage_new(now_ms()).await?;
        Ok(ProcessOutcome { identity, training, understood, triage, alerts })
    }
}
