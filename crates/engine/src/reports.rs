//! Team reports and the executive board. [`Desk::report`] computes the
//! metrics of a period from the store's rows (cases whose first customer
//! post is in the period, their posts and their moves and closes) and
//! slices them per organisation account, channel, department, topic and
//! member; [`Desk::report_cases`] lists the cases behind one of its numbers;
//! [`Desk::board`] reads the board's grouped counts and leaves out every
//! handle for an executive viewer. The definitions are in the README
//! ("Reports"); percentiles are nearest-rank ([`nearest_rank`]).

use std::collections::{BTreeMap, HashMap};

use switchboard_core::case::CaseSummary;
use switchboard_core::desk::Role;
use switchboard_core::influence::{influence, Engagement, InfluenceInput};
use switchboard_core::permission::Permission;
use switchboard_core::report::{
    bucket_for_span, nearest_rank, AuthorRank, BoardView, DepartmentLoad, Report, ReportQuery, SentimentMix, Slice,
    TopicCount, TrendPoint, HOUR_MS,
};
use switchboard_core::time::now_ms;
use switchboard_rules::sla::due_at;
use switchboard_rules::SlaConfig;
use switchboard_store::reports::{ReportCase, ReportEvent, ReportPost};

use crate::desk::Desk;
use crate::error::DeskError;

/// How far back the board looks from its newest post (or now).
pub const BOARD_WINDOW_MS: i64 = 48 * HOUR_MS;
/// Authors listed as most influential.
const TOP_AUTHORS: usize = 10;
/// Topics on the board.
const TOP_TOPICS: usize = 8;
/// Most cases a drill-down lists.
pub const MAX_DRILL_DOWN: usize = 500;

/// The numbers a drill-down can ask for.
pub const METRICS: [&str; 9] = ["cases", "answered", "unanswered", "backlog", "sla_met", "sla_missed", "negative", "handed_over", "resolved"];

/// What a report knows about one case.
#[derive(Debug, Clone)]
struct CaseFigures<'a> {
    case: &'a ReportCase,
    frt_s: Option<f64>,
    nrt_s: Vec<f64>,
    resolution_s: Option<f64>,
    /// Some(true) met, Some(false) missed, None: no policy or still running.
    sla: Option<bool>,
    negative: bool,
    topic: Option<String>,
    backlog: bool,
    handed_over: bool,
    posts_in: i64,
    posts_out: i64,
}

impl CaseFigures<'_> {
    fn is(&self, metric: &str) -> bool {
        match metric {
            "answered" => self.frt_s.is_some(),
            "unanswered" => self.frt_s.is_none(),
            "backlog" => self.backlog,
            "sla_met" => self.sla == Some(true),
            "sla_missed" => self.sla == Some(false),
            "negative" => self.negative,
            "handed_over" => self.handed_over,
            "resolved" => self.resolution_s.is_some(),
            _ => true,
        }
    }
    /// The slices the case is in: (kind, key, label).
    fn slices(&self) -> Vec<(&'static str, String, String)> {
        let c = self.case;
        let mut out = Vec::with_capacity(5);
        if let Some(a) = &c.account {
            out.push(("org", a.clone(), a.clone()));
        }
        out.push(("channel", c.channel.clone(), c.channel.clone()));
        out.push(match (c.department_id, &c.department_name) {
            (Some(id), name) => ("department", id.to_string(), name.clone().unwrap_or_else(|| id.to_string())),
            (None, _) => ("department", String::new(), "Unrouted".into()),
        });
        out.push(match &self.topic {
            Some(t) => ("topic", t.clone(), t.clone()),
            None => ("topic", String::new(), "No topic".into()),
        });
        out.push(match &c.assignee_handle {
            Some(h) => ("member", h.clone(), c.assignee_name.clone().unwrap_or_else(|| h.clone())),
            None => ("member", String::new(), "Unassigned".into()),
        });
        out
    }
}

/// Seconds between two instants in ms.
fn secs(from: i64, to: i64) -> f64 {
    (to - from) as f64 / 1000.0
}

/// Whether the case met its first-response target: the target of its
/// policy, counted in the policy calendar's business time from the first
/// customer post. `None` when no policy applies or the clock still runs.
fn sla_outcome(sla: &SlaConfig, case: &ReportCase, now: i64) -> Option<bool> {
    first_response_met(sla, case.sla_policy.as_deref(), case.department_slug.as_deref(), case.first_customer_at, case.first_response_at, now)
}

fn first_response_met(sla: &SlaConfig, policy: Option<&str>, department: Option<&str>, first: i64, response: Option<i64>, now: i64) -> Option<bool> {
    let policy = sla.policy_for(policy, department)?;
    let cal = sla.calendar(&policy.calendar)?;
    let due = due_at(first, policy.first_response, cal)?;
    match response {
        Some(r) => Some(r <= due),
        None if now > due => Some(false),
        None => None,
    }
}

fn figures<'a>(case: &'a ReportCase, posts: &[ReportPost], events: &[ReportEvent], sla: &SlaConfig, now: i64) -> CaseFigures<'a> {
    let frt_s = case.first_response_at.map(|r| secs(case.first_customer_at, r));
    let first_in = posts.iter().find(|p| p.inbound);
    let mut nrt_s = Vec::new();
    let (mut replied, mut waiting) = (false, None::<i64>);
    let (mut last_in, mut last_out) = (None::<i64>, None::<i64>);
    let (mut posts_in, mut posts_out) = (0, 0);
    for p in posts {
        if p.inbound {
            posts_in += 1;
            last_in = Some(p.created_at);
            if replied && waiting.is_none() {
                waiting = Some(p.created_at);
            }
        } else {
            posts_out += 1;
            last_out = Some(p.created_at);
            if p.created_at >= case.first_customer_at {
                if let Some(since) = waiting.take() {
                    nrt_s.push(secs(since, p.created_at));
                }
                replied = true;
            }
        }
    }
    let resolved = case.status == "resolved";
    let resolution_s = if resolved {
        events
            .iter()
            .filter(|e| e.kind == "status_changed" && e.summary == "status set to resolved")
            .map(|e| e.at)
            .next_back()
            .map(|at| secs(case.first_customer_at, at))
    } else {
        None
    };
    let mut departments: Vec<&str> =
        events.iter().filter(|e| e.kind == "moved").filter_map(|e| e.summary.strip_prefix("moved to ")).collect();
    departments.sort_unstable();
    departments.dedup();
    CaseFigures {
        case,
        frt_s,
        nrt_s,
        resolution_s,
        sla: sla_outcome(sla, case, now),
        negative: first_in.and_then(|p| p.sentiment.as_deref()) == Some("negative"),
        topic: first_in.and_then(|p| p.topic.clone()),
        backlog: !resolved && last_in.is_some_and(|i| last_out.is_none_or(|o| i > o)),
        handed_over: departments.len() > 1 || events.iter().any(|e| e.kind == "handed_off"),
        posts_in,
        posts_out,
    }
}

fn percentiles(mut v: Vec<f64>) -> (Option<f64>, Option<f64>) {
    v.sort_by(f64::total_cmp);
    (nearest_rank(&v, 50.0), nearest_rank(&v, 90.0))
}

#[derive(Default)]
struct SliceAcc {
    label: String,
    cases: i64,
    frts: Vec<f64>,
    sla_met: i64,
    sla_missed: i64,
    negative: i64,
    backlog: i64,
}

impl SliceAcc {
    fn add(&mut self, f: &CaseFigures<'_>) {
        self.cases += 1;
        self.frts.extend(f.frt_s);
        self.sla_met += i64::from(f.sla == Some(true));
        self.sla_missed += i64::from(f.sla == Some(false));
        self.negative += i64::from(f.negative);
        self.backlog += i64::from(f.backlog);
    }
    fn finish(self, key: String) -> Slice {
        let answered = self.frts.len() as i64;
        let (median_frt_s, p90_frt_s) = percentiles(self.frts);
        Slice {
            key,
            label: self.label,
            cases: self.cases,
            answered,
            median_frt_s,
            p90_frt_s,
            sla_met: self.sla_met,
            sla_missed: self.sla_missed,
            negative: self.negative,
            backlog: self.backlog,
        }
    }
}

fn sorted_slices(m: HashMap<String, SliceAcc>) -> Vec<Slice> {
    let mut v: Vec<Slice> = m.into_iter().map(|(k, acc)| acc.finish(k)).collect();
    v.sort_by(|a, b| b.cases.cmp(&a.cases).then_with(|| a.key.cmp(&b.key)));
    v
}

/// The latest instant a report takes: the end of the year 9999.
const MAX_INSTANT: i64 = 253_402_300_799_999;

fn check_query(q: &ReportQuery) -> Result<(), DeskError> {
    for (name, bound) in [("from", q.from), ("to", q.to)] {
        if bound.is_some_and(|t| !(0..=MAX_INSTANT).contains(&t)) {
            return Err(DeskError::invalid(format!("the report's {name} must be between 1970 and the year 9999")));
        }
    }
    if let (Some(from), Some(to)) = (q.from, q.to) {
        if from >= to {
            return Err(DeskError::invalid("the report's period is empty: --from must be before --to"));
        }
    }
    Ok(())
}

/// Start of the bucket holding `t` (UTC-aligned).
fn bucket_start(t: i64, bucket: i64) -> i64 {
    t.div_euclid(bucket) * bucket
}

fn rank_authors(mut authors: Vec<(AuthorRank, u8)>) -> Vec<AuthorRank> {
    authors.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.followers.cmp(&a.0.followers)).then(b.0.cases.cmp(&a.0.cases)).then(a.0.handle.cmp(&b.0.handle)));
    authors.into_iter().take(TOP_AUTHORS).map(|a| a.0).collect()
}

fn author_rank(handle: String, channel: String, followers: Option<i64>, cases: i64, posts: i64, answered: i64) -> (AuthorRank, u8) {
    let score = influence(&InfluenceInput {
        followers,
        engagement: Some(Engagement { posts, answered_share: (cases > 0).then(|| answered as f64 / cases as f64), reposts_per_post: None }),
        reach: None,
    })
    .score;
    (AuthorRank { handle, channel, followers, influence: score, cases }, score)
}

/// An author's cases in a report, for the influence ranking.
#[derive(Default)]
struct AuthorTally {
    handle: String,
    followers: Option<i64>,
    cases: i64,
    posts: i64,
    answered: i64,
}

/// Cases, posts and events of a query, with each case's figures; the
/// topic filter applied.
struct Gathered {
    cases: Vec<ReportCase>,
    posts: Vec<ReportPost>,
    events: Vec<ReportEvent>,
}

impl Gathered {
    fn figures<'a>(&'a self, q: &ReportQuery, sla: &SlaConfig, now: i64) -> Vec<(CaseFigures<'a>, &'a [ReportPost])> {
        let posts_of = group(&self.posts, |p| p.case_id);
        let events_of = group(&self.events, |e| e.case_id);
        self.cases
            .iter()
            .map(|c| {
                let posts = posts_of.get(&c.id).copied().unwrap_or(&[]);
                let events = events_of.get(&c.id).copied().unwrap_or(&[]);
                (figures(c, posts, events, sla, now), posts)
            })
            .filter(|(f, _)| q.topic.as_ref().is_none_or(|t| f.topic.as_ref() == Some(t)))
            .collect()
    }
}

/// Consecutive runs of rows sharing a key (rows are ordered by it).
fn group<T>(rows: &[T], key: impl Fn(&T) -> i64) -> HashMap<i64, &[T]> {
    let mut out = HashMap::new();
    let mut start = 0;
    for i in 1..=rows.len() {
        if i == rows.len() || key(&rows[i]) != key(&rows[start]) {
            if start < rows.len() {
                out.insert(key(&rows[start]), &rows[start..i]);
            }
            start = i;
        }
    }
    out
}

impl Desk {
    async fn gather(&self, q: &ReportQuery) -> Result<Gathered, DeskError> {
        check_query(q)?;
        let store = self.store();
        Ok(Gathered { cases: store.report_cases(q).await?, posts: store.report_posts(q).await?, events: store.report_events(q).await? })
    }

    /// The team report over `q`'s period and filters.
    pub async fn report(&self, q: &ReportQuery) -> Result<Report, DeskError> {
        self.require(Permission::ViewReports)?;
        let now = now_ms();
        let cfg = self.team_config().await?;
        let data = self.gather(q).await?;
        let figures = data.figures(q, &cfg.sla, now);

        let first_post = figures.iter().map(|f| f.0.case.first_customer_at).min();
        let last_post = figures.iter().flat_map(|f| f.1.iter().map(|p| p.created_at)).max().map(|t| t.saturating_add(1));
        let from = q.from.or(first_post).unwrap_or(now);
        let to = q.to.or(last_post).unwrap_or(now).max(from.saturating_add(1));
        // The trend spans the period where it holds data, so a wide period
        // does not make thousands of empty buckets.
        let (trend_from, trend_to) = match (first_post, last_post) {
            (Some(a), Some(b)) => (from.max(a), to.min(b).max(from.max(a).saturating_add(1))),
            _ => (from, to),
        };
        let bucket = bucket_for_span(trend_to.saturating_sub(trend_from));
        let first_bucket = bucket_start(trend_from, bucket);
        let buckets = usize::try_from((trend_to.saturating_sub(first_bucket) + bucket - 1) / bucket).unwrap_or(0);
        let mut trend: Vec<TrendPoint> =
            (0..buckets).map(|i| TrendPoint { start: first_bucket + i as i64 * bucket, ..Default::default() }).collect();
        let slot = |t: i64| (t >= trend_from && t < trend_to).then(|| ((t - first_bucket) / bucket) as usize);

        let mut r = Report { from, to, generated_at: now, bucket_ms: bucket, ..Default::default() };
        let (mut frts, mut nrts, mut resolutions) = (Vec::new(), Vec::new(), Vec::new());
        let mut handed_over = 0;
        let mut slices: HashMap<&'static str, HashMap<String, SliceAcc>> = HashMap::new();
        let mut authors: BTreeMap<(i64, String), AuthorTally> = BTreeMap::new();
        for (f, posts) in &figures {
            r.cases += 1;
            r.answered += i64::from(f.frt_s.is_some());
            r.backlog += i64::from(f.backlog);
            r.posts_in += f.posts_in;
            r.posts_out += f.posts_out;
            frts.extend(f.frt_s);
            nrts.extend(f.nrt_s.iter().copied());
            resolutions.extend(f.resolution_s);
            r.resolved += i64::from(f.resolution_s.is_some());
            handed_over += i64::from(f.handed_over);
            match f.sla {
                Some(true) => r.sla.met += 1,
                Some(false) => r.sla.missed += 1,
                None => {}
            }
            for p in posts.iter().filter(|p| p.inbound) {
                r.sentiment.add(p.sentiment.as_deref());
                if let Some(i) = slot(p.created_at) {
                    trend[i].posts_in += 1;
                    trend[i].negative += i64::from(p.sentiment.as_deref() == Some("negative"));
                }
            }
            if let Some(i) = f.case.first_response_at.and_then(slot) {
                trend[i].answered += 1;
            }
            for (kind, key, label) in f.slices() {
                let acc = slices.entry(kind).or_default().entry(key).or_default();
                acc.label = label;
                acc.add(f);
            }
            if let Some(author) = f.case.author_id {
                let e = authors.entry((author, f.case.channel.clone())).or_insert_with(|| AuthorTally {
                    handle: f.case.author_handle.clone(),
                    followers: f.case.author_followers,
                    ..Default::default()
                });
                e.cases += 1;
                e.posts += f.posts_in;
                e.answered += i64::from(f.frt_s.is_some());
            }
        }
        r.unanswered = r.cases - r.answered;
        (r.median_frt_s, r.p90_frt_s) = percentiles(frts);
        (r.median_nrt_s, r.p90_nrt_s) = percentiles(nrts);
        (r.median_resolution_s, r.p90_resolution_s) = percentiles(resolutions);
        r.sla.pct = sla_pct(r.sla.met, r.sla.missed);
        r.handed_over_share = (r.cases > 0).then(|| handed_over as f64 / r.cases as f64);
        let mut take = |kind| slices.remove(kind).map(sorted_slices).unwrap_or_default();
        r.orgs = take("org").into_iter().map(|s| (s.key.clone(), s)).collect();
        r.channels = take("channel");
        r.departments = take("department");
        r.topics = take("topic");
        r.members = take("member");
        r.trend = trend;
        r.influential = rank_authors(
            authors
                .into_iter()
                .map(|((_, channel), a)| author_rank(a.handle, channel, a.followers, a.cases, a.posts, a.answered))
                .collect(),
        );
        // An executive viewer gets aggregates: no author handles, no member table.
        if !self.may(Permission::ViewCases) {
            r.influential.clear();
            r.members.clear();
        }
        Ok(r)
    }

    /// The cases behind one number of the report: `metric` is one of
    /// [`METRICS`]; `key` narrows to a slice as `KIND:KEY` (`org:AppleSupport`,
    /// `channel:twitter`, `department:3`, `topic:billing`, `member:ana`; an
    /// empty KEY is "none"). Newest first, at most [`MAX_DRILL_DOWN`].
    pub async fn report_cases(&self, q: &ReportQuery, metric: &str, key: Option<&str>) -> Result<Vec<CaseSummary>, DeskError> {
        self.require(Permission::ViewCases)?;
        if !METRICS.contains(&metric) {
            return Err(DeskError::invalid(format!("no report metric {metric:?} (known: {})", METRICS.join(", "))));
        }
        let slice = match key {
            None => None,
            Some(k) => {
                let (kind, key) = k.split_once(':').ok_or_else(|| DeskError::invalid(format!("a slice is KIND:KEY, not {k:?}")))?;
                if !["org", "channel", "department", "topic", "member"].contains(&kind) {
                    return Err(DeskError::invalid(format!("no slice kind {kind:?} (known: org, channel, department, topic, member)")));
                }
                Some((kind, key))
            }
        };
        let cfg = self.team_config().await?;
        let data = self.gather(q).await?;
        let mut chosen: Vec<(i64, i64)> = data
            .figures(q, &cfg.sla, now_ms())
            .iter()
            .filter(|(f, _)| f.is(metric))
            .filter(|(f, _)| slice.is_none_or(|(kind, key)| f.slices().iter().any(|s| s.0 == kind && s.1 == key)))
            .map(|(f, _)| (f.case.first_customer_at, f.case.id))
            .collect();
        chosen.sort_unstable_by(|a, b| b.cmp(a));
        let mut out = Vec::new();
        for (_, id) in chosen.into_iter().take(MAX_DRILL_DOWN) {
            out.push(self.store().case_summary(id).await?);
        }
        Ok(out)
    }

    /// The executive board over the last [`BOARD_WINDOW_MS`] up to the
    /// newest post (or now): hourly volume and sentiment, SLA compliance of
    /// the cases started in the window, the top topics, each department's
    /// load now. Handles only for a viewer who may see personal details
    /// (not an executive).
    pub async fn board(&self, viewer: Role) -> Result<BoardView, DeskError> {
        self.require(Permission::ViewBoard)?;
        // Whatever the caller asks, no personal details for a member who may not read cases.
        let viewer = if self.may(Permission::ViewCases) { viewer } else { Role::Executive };
        let now = now_ms();
        let store = self.store();
        let newest = store.latest_post_at().await?.map(|t| t + 1).unwrap_or(now).min(now);
        let to = bucket_start(newest.saturating_add(HOUR_MS - 1), HOUR_MS);
        let from = to - BOARD_WINDOW_MS;
        let bucket = HOUR_MS;
        let mut volume: Vec<TrendPoint> =
            (0..BOARD_WINDOW_MS / bucket).map(|i| TrendPoint { start: from + i * bucket, ..Default::default() }).collect();
        // Independent reads, run side by side on the pool's connections.
        let authors = async {
            match viewer {
                Role::Executive => Ok(None),
                _ => store.board_authors(from, to, 50).await.map(Some),
            }
        };
        let (posts, answered, sla_cases, load, authors, cfg) = tokio::try_join!(
            async { store.board_posts(from, to, bucket).await.map_err(DeskError::from) },
            async { store.board_answered(from, to, bucket).await.map_err(DeskError::from) },
            async { store.board_sla_cases(from, to).await.map_err(DeskError::from) },
            async { store.board_load(now).await.map_err(DeskError::from) },
            async { authors.await.map_err(DeskError::from) },
            self.team_config(),
        )?;
        let mut sentiment = SentimentMix::default();
        let mut topics: HashMap<String, (i64, i64)> = HashMap::new();
        for g in posts {
            let negative = g.sentiment.as_deref() == Some("negative");
            if let Some(p) = usize::try_from(g.bucket).ok().and_then(|i| volume.get_mut(i)) {
                p.posts_in += g.count;
                p.negative += if negative { g.count } else { 0 };
            }
            sentiment.add_n(g.sentiment.as_deref(), g.count);
            if let Some(t) = g.topic {
                let e = topics.entry(t).or_default();
                e.0 += g.count;
                e.1 += if negative { g.count } else { 0 };
            }
        }
        for (b, n) in answered {
            if let Some(p) = usize::try_from(b).ok().and_then(|i| volume.get_mut(i)) {
                p.answered += n;
            }
        }
        let mut top_topics: Vec<TopicCount> = topics
            .into_iter()
            .map(|(topic, (count, neg))| TopicCount { topic, count, negative_share: neg as f64 / count.max(1) as f64 })
            .collect();
        top_topics.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.topic.cmp(&b.topic)));
        top_topics.truncate(TOP_TOPICS);

        let (mut met, mut missed) = (0, 0);
        for c in sla_cases {
            match first_response_met(&cfg.sla, c.sla_policy.as_deref(), c.department_slug.as_deref(), c.first_customer_at, c.first_response_at, now) {
                Some(true) => met += 1,
                Some(false) => missed += 1,
                None => {}
            }
        }
        let departments: Vec<DepartmentLoad> = load
            .into_iter()
            .map(|l| DepartmentLoad {
                department: l.department.unwrap_or_else(|| "Unrouted".into()),
                open: l.open,
                overdue: l.overdue,
                unassigned: l.unassigned,
            })
            .collect();
        let influential = authors.map(|list| {
            rank_authors(list.into_iter().map(|a| author_rank(a.handle, a.channel, a.followers, a.cases, a.posts, a.answered)).collect())
        });
        Ok(BoardView {
            generated_at: now,
            window_from: from,
            window_to: to,
            bucket_ms: bucket,
            volume,
            sentiment,
            sla_pct: sla_pct(met, missed),
            open_cases: departments.iter().map(|d| d.open).sum(),
            overdue: departments.iter().map(|d| d.overdue).sum(),
            top_topics,
            departments,
            influential,
        })
    }
}

fn sla_pct(met: i64, missed: i64) -> Option<f64> {
    (met + missed > 0).then(|| met as f64 * 100.0 / (met + missed) as f64)
}

