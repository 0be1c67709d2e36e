//! The demo workspace: a day at the social desk of "Lumen", a made-up fibre
//! broadband and mobile provider, written for Switchboard (no real posts).
//! It has the tiger team's members, conversations on every kind of channel
//! (an outage, lost parcels, a billing dispute, praise, a journalist, a legal
//! threat, a sales lead, a job applicant, an investor), some already answered,
//! some routed and assigned, and customers linked to their handles, so the
//! first screen shows real-looking work. Times are relative to `now`.

use switchboard_core::case::CaseStatus;
use switchboard_core::desk::Role;
use switchboard_core::post::{Direction, NewPost};
use switchboard_store::customers::NewCustomer;
use switchboard_store::ingest::{IngestPost, Ingestor};
use switchboard_store::{Result, Store};

/// (handle, name, role, department slug)
const MEMBERS: [(&str, &str, Role, Option<&str>); 10] = [
    ("ana", "Ana Ruiz", Role::Agent, Some("contact-centre")),
    ("kofi", "Kofi Mensah", Role::Agent, Some("contact-centre")),
    ("mei", "Mei Tanaka", Role::Lead, Some("contact-centre")),
    ("lucas", "Lucas Weber", Role::Agent, Some("marketing")),
    ("priya", "Priya Nair", Role::Approver, Some("pr")),
    ("tom", "Tom Okafor", Role::Approver, Some("legal")),
    ("sara", "Sara Lind", Role::Agent, Some("sales")),
    ("jonas", "Jonas Berg", Role::Agent, Some("hr")),
    ("elena", "Elena Costa", Role::Lead, Some("investor-relations")),
    ("dana", "Dana Whitfield", Role::Executive, None),
];

struct Convo {
    channel: &'static str,
    handle: &'static str,
    name: &'static str,
    followers: i64,
    department: Option<&'static str>,
    assignee: Option<&'static str>,
    status: Option<CaseStatus>,
    /// (outbound?, minutes ago, text)
    posts: &'static [(bool, i64, &'static str)],
}

const C: bool = false; // a customer's post
const O: bool = true; // the organisation's reply

macro_rules! convo {
    ($ch:expr, $h:expr, $n:expr, $f:expr, $d:expr, $a:expr, $s:expr, [$(($o:expr, $m:expr, $t:expr)),+ $(,)?]) => {
        Convo { channel: $ch, handle: $h, name: $n, followers: $f, department: $d, assignee: $a, status: $s, posts: &[$(($o, $m, $t)),+] }
    };
}

const CONVERSATIONS: &[Convo] = &[
    convo!("x", "harriet_cole", "Harriet Cole", 2_140, Some("contact-centre"), Some("ana"), None, [
        (C, 95, "@lumenhelp fibre down since 7am in Didsbury. I run a design studio from home and I've got a client call at 11. Any ETA?"),
        (O, 80, "@harriet_cole Sorry Harriet, there's a fault on the Didsbury cabinet and engineers are on site. I've DM'd you a 4G backup voucher for today."),
        (C, 22, "@lumenhelp voucher worked, thanks. Still no fibre though and it's been 5 hours now."),
    ]),
    convo!("bluesky", "jamie.wren.social", "Jamie Wren", 312, None, None, None, [
        (C, 42, "@lumen.example third time calling about my router, third different answer. nobody calls back."),
    ]),
    convo!("x", "tariq_b", "Tariq Bashir", 87, Some("contact-centre"), Some("kofi"), Some(CaseStatus::Open), [
        (C, 240, "@lumenhelp still waiting for the replacement SIM you promised last Monday. Tracking says 'label created' for 6 days."),
        (O, 225, "@tariq_b Hi Tariq, I've chased the courier and asked for a new SIM to go out by next-day delivery. Can you DM us your order number?"),
        (C, 30, "@lumenhelp DM sent an hour ago, no reply"),
    ]),
    convo!("mastodon", "nadia@mastodon.example", "Nadia Petrova", 5_800, Some("pr"), Some("priya"), None, [
        (C, 55, "Hearing from several people in Leeds that @lumen broadband has been down all morning. Anyone have an official statement? Writing this up for the Yorkshire Tech Bulletin."),
    ]),
    convo!("x", "okonkwo_logistics", "Okonkwo Logistics", 12_400, Some("sales"), Some("sara"), None, [
        (C, 130, "@lumen we're opening 3 new depots in Q1 and need business fibre + 40 mobile lines. Who do we talk to?"),
        (O, 118, "@okonkwo_logistics Great to hear! Our business team would love to help - I've passed your details to Sara who'll DM you today."),
    ]),
    convo!("reviews", "trustpilot-7781", "Gwen M.", 0, None, None, None, [
        (C, 300, "1 star. Billed twice for November and the refund 'takes 10 working days'. Meanwhile my rent bounced. Appalling."),
    ]),
    convo!("bluesky", "drewmakes.bsky.social", "Drew Okafor-Lee", 48_000, Some("marketing"), Some("lucas"), Some(CaseStatus::Pending), [
        (C, 600, "Genuinely impressed: switched to @lumen.example fibre, installer was early, tidy, and explained everything. 900 Mbps on the first test."),
        (O, 590, "@drewmakes.bsky.social This made our day, Drew! Thanks for sharing - we'll pass it on to the installer."),
    ]),
    convo!("x", "lisa_k_law", "Lisa Kaur", 1_900, Some("legal"), Some("tom"), None, [
        (C, 70, "@lumen you published my home address in a reply to a complaint thread. Remove it now. My solicitor will be in touch about the data breach."),
    ]),
    convo!("reddit", "u/throwaway_fibre", "throwaway_fibre", 15, None, None, None, [
        (C, 180, "Lumen engineer no-show twice (r/ukbroadband). Took two days off work for nothing. Is there any way to get compensation for missed appointments?"),
    ]),
    convo!("x", "benji_runs", "Benji Adeyemi", 640, Some("contact-centre"), Some("ana"), Some(CaseStatus::Resolved), [
        (C, 1_440, "@lumenhelp can I move my contract to my new flat without paying the early exit fee?"),
        (O, 1_400, "@benji_runs Yes! Home moves are free on all plans. Use 'Moving home' in the app and pick a date - we'll keep your number and price."),
        (C, 1_380, "@lumenhelp sorted, thanks!"),
    ]),
    convo!("mastodon", "careers_watch@social.example", "Rosa Lindqvist", 420, Some("hr"), Some("jonas"), None, [
        (C, 200, "Interviewed at @lumen for a network engineer role 5 weeks ago and I still haven't heard anything back. Not even a rejection. Is this normal?"),
    ]),
    convo!("x", "fundwatcher_pete", "Pete Hargreaves", 9_300, Some("investor-relations"), Some("elena"), None, [
        (C, 160, "@lumen will the Q3 outage costs be reported separately in the interim results? Shareholders deserve clarity."),
    ]),
    convo!("bluesky", "mo.salah-fan.bsky.social", "Mo Haddad", 230, None, None, None, [
        (C, 15, "@lumen.example my bill went up £6 this month and nobody told me. is that the CPI rise thing or a mistake?"),
    ]),
    convo!("x", "granny_jo", "Josephine Bell", 31, Some("contact-centre"), Some("kofi"), None, [
        (C, 35, "@lumenhelp my landline isn't working and I'm 84. My daughter set this account up for me. Please can someone ring me."),
    ]),
    convo!("reviews", "google-3312", "Marco Bellini", 0, Some("contact-centre"), None, None, [
        (C, 720, "3 stars. Speeds are great but the app logs me out every day and support chat closes at 8pm."),
    ]),
    convo!("x", "streamer_kai", "Kai Nakamura", 310_000, Some("marketing"), Some("lucas"), None, [
        (C, 12, "@lumen packet loss every evening 8-10pm for a week. Can't stream like this. 300k people watched me lag out last night."),
    ]),
    convo!("reddit", "u/fibre_nerd", "fibre_nerd", 1_200, None, None, Some(CaseStatus::Pending), [
        (C, 900, "Does Lumen support IPv6 yet? Their FAQ says 'coming soon' since 2023."),
        (O, 850, "Hi! IPv6 is rolling out by region - Manchester and Leeds have it now, the rest by March. You can check your line in the app under Network."),
    ]),
    convo!("x", "sophie_t", "Sophie Turner", 760, Some("contact-centre"), Some("ana"), None, [
        (C, 48, "@lumenhelp charged a £45 'missed appointment' fee when YOUR engineer didn't turn up?!"),
    ]),
    convo!("mastodon", "accessibility@mastodon.example", "Ravi Shah", 3_100, Some("pr"), None, None, [
        (C, 260, "The new @lumen app update broke screen reader support on the billing page. Blind customers can't see their bills now."),
    ]),
    convo!("x", "paul_on_tour", "Paul Grant", 150, None, None, None, [
        (C, 8, "@lumenhelp roaming in Spain and data just stopped. Roaming is on, plan says EU included. Help"),
    ]),
    convo!("bluesky", "cafe-lune.bsky.social", "Café Lune", 2_900, Some("sales"), Some("sara"), Some(CaseStatus::Open), [
        (C, 1_000, "@lumen.example do you do guest wifi for small cafés? Looking to switch by January."),
        (O, 980, "@cafe-lune.bsky.social We do - our Business Hub plan includes a separate guest network. Sara from our business team will DM you."),
        (C, 400, "Thanks! Could we get a quote for 2 sites?"),
    ]),
    convo!("x", "dan_the_dev", "Daniel Price", 4_400, None, None, None, [
        (C, 25, "@lumen your status page says 'all systems operational' while half of Bristol is offline. Who is this status page for?"),
    ]),
    convo!("reddit", "u/new_to_lumen", "new_to_lumen", 3, Some("contact-centre"), None, Some(CaseStatus::Resolved), [
        (C, 2_000, "How do I change my Lumen router's wifi password?"),
        (O, 1_990, "Welcome! Open the Lumen app > Home > Wi-Fi settings, or go to 192.168.1.1 and sign in with the password on the router sticker."),
    ]),
    convo!("x", "mp_office_west", "Office of Helen Ward MP", 21_000, Some("pr"), Some("priya"), None, [
        (C, 65, "@lumen constituents in Westbury report repeated outages this month. Please contact our office to explain what is being done."),
    ]),
    convo!("mastodon", "lee@fosstodon.example", "Lee Carter", 890, None, None, None, [
        (C, 140, "@lumen any plans for a 2 Gbps plan? Happy to pay more, currently looking at competitors."),
    ]),
    convo!("x", "hannah_b_nurse", "Hannah Brooks", 420, Some("contact-centre"), None, None, [
        (C, 18, "@lumenhelp I work night shifts and your engineers keep booking 8am slots. Is there any evening availability at all?"),
    ]),
    convo!("reviews", "trustpilot-9021", "Aisha K.", 0, Some("marketing"), None, Some(CaseStatus::Pending), [
        (C, 1_600, "5 stars! Ana on the support line fixed my billing issue in 10 minutes and even set up my parents' account."),
        (O, 1_500, "Thank you Aisha - we've passed your kind words to Ana!"),
    ]),
    convo!("x", "crisis_watch_uk", "UK Outage Watch", 88_000, Some("pr"), None, None, [
        (C, 5, "BREAKING: Reports of a major @lumen broadband outage across the North West. 4,000+ reports in the last 30 min."),
    ]),
    convo!("bluesky", "theo.codes.bsky.social", "Theo Marsh", 1_050, None, None, None, [
        (C, 75, "@lumen.example is port forwarding blocked on the new hubs? my home server stopped being reachable after the firmware update"),
    ]),
    convo!("x", "lumen_shareholder", "Margaret Dunn", 540, Some("investor-relations"), None, None, [
        (C, 330, "@lumen when is the AGM this year and will it be online? Couldn't find anything on the investor site."),
    ]),
];

/// Customers behind some of the handles: (channel, handle, name, emails, tier, lifetime value).
/// (channel, handle, name, emails, value tier, lifetime value).
type DemoCustomer = (&'static str, &'static str, &'static str, &'static [&'static str], &'static str, f64);
const CUSTOMERS: &[DemoCustomer] = &[
    ("x", "harriet_cole", "Harriet Cole (Cole Studio Ltd)", &["harriet@colestudio.example"], "A", 48_200.0),
    ("x", "okonkwo_logistics", "Okonkwo Logistics plc", &["it@okonkwo-logistics.example", "procurement@okonkwo-logistics.example"], "A", 1_250_000.0),
    ("x", "tariq_b", "Tariq Bashir", &["tariq.bashir@mail.example"], "C", 640.0),
    ("reviews", "google-3312", "Marco Bellini", &["marco.bellini@mail.example"], "B", 2_900.0),
    ("x", "granny_jo", "Josephine Bell", &["jo.bell@mail.example"], "B", 3_400.0),
    ("bluesky", "cafe-lune.bsky.social", "Café Lune SARL", &["bonjour@cafelune.example"], "B", 7_800.0),
    ("x", "streamer_kai", "Kai Nakamura", &["kai@kaistreams.example"], "C", 720.0),
];

/// Writes the demo into `store` (which should be empty), with times before `now`.
pub async fn load(store: &Store, now: i64) -> Result<()> {
    let mut member_ids = std::collections::HashMap::new();
    for (handle, name, role, dept) in MEMBERS {
        let dept_id = match dept {
            Some(slug) => Some(store.department_by_slug(slug).await?.id),
            None => None,
        };
        member_ids.insert(handle, store.upsert_member(handle, name, role, dept_id).await?.id);
    }
    let mut batch = Vec::new();
    for (i, c) in CONVERSATIONS.iter().enumerate() {
        let root = format!("demo-{i}-0");
        for (j, &(outbound, minutes_ago, text)) in c.posts.iter().enumerate() {
            let (author, name, followers) = if outbound {
                (org_account(c.channel), Some("Lumen Support".to_string()), Some(58_000))
            } else {
                (c.handle.to_string(), Some(c.name.to_string()), Some(c.followers))
            };
            batch.push(IngestPost {
                post: NewPost {
                    channel: c.channel.to_string(),
                    external_id: format!("demo-{i}-{j}"),
                    author,
                    author_name: name,
                    author_followers: followers,
                    direction: if outbound { Direction::Outbound } else { Direction::Inbound },
                    text: text.to_string(),
                    created_at: now - minutes_ago * 60_000,
                    reply_to: (j > 0).then(|| format!("demo-{i}-{}", j - 1)),
                    account: Some(org_account(c.channel)),
                    labels: Vec::new(),
                },
                conversation: Some(root.clone()),
            });
        }
    }
    Ingestor::new(store, "demo", "the demo workspace").write(&batch).await?;

    for (i, c) in CONVERSATIONS.iter().enumerate() {
        let case_id: i64 = store.case_of_post(c.channel, &format!("demo-{i}-0")).await?;
        if let Some(slug) = c.department {
            let d = store.department_by_slug(slug).await?;
            store.move_to(case_id, Some(d.id), "mei", None).await?;
        }
        if let Some(who) = c.assignee {
            store.assign(case_id, Some(member_ids[who]), "mei", None).await?;
        }
        if let Some(status) = c.status {
            store.set_status(case_id, status, c.assignee.unwrap_or("mei"), None).await?;
        }
    }
    for &(channel, handle, name, emails, tier, value) in CUSTOMERS {
        let id = store
            .insert_customer(&NewCustomer {
                name: name.to_string(),
                emails: emails.iter().map(|e| e.to_string()).collect(),
                phone: None,
                value_tier: Some(tier.to_string()),
                lifetime_value: Some(value),
            })
            .await?;
        store.link_author(channel, handle, id).await?;
    }
    // The triage above happened "now"; make the timelines read like a day at
    // the desk: opened with the first post, then a step every four minutes.
    store.spread_event_times(4 * 60_000, now - 60_000).await?;
    Ok(())
}

fn org_account(channel: &str) -> String {
    match channel {
        "bluesky" => "lumen.example".into(),
        "mastodon" => "lumen@social.lumen.example".into(),
        "reddit" => "u/LumenSupport".into(),
        "reviews" => "Lumen".into(),
        _ => "lumenhelp".into(),
    }
}
