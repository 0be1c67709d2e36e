//! The team report as files: CSV (one row per slice, with a `kind` column;
//! a text cell a spreadsheet would run as a formula is defused) and a
//! self-contained printable HTML page (inline CSS with a print stylesheet;
//! every value from the data is HTML-escaped, as handles and topics are
//! written by strangers). `switchboard report` and the app's *Export CSV*
//! write the same bytes.

use std::fmt::Write as _;

use switchboard_core::report::{Report, Slice};
use switchboard_core::time::to_rfc3339;

use crate::DeskError;

/// The report's slices in order: (kind, slice), the whole report first as `total`.
fn all_slices(r: &Report) -> Vec<(&'static str, Slice)> {
    let total = Slice {
        key: String::new(),
        label: "All cases".into(),
        cases: r.cases,
        answered: r.answered,
        median_frt_s: r.median_frt_s,
        p90_frt_s: r.p90_frt_s,
        sla_met: r.sla.met,
        sla_missed: r.sla.missed,
        negative: r.topics.iter().map(|s| s.negative).sum(),
        backlog: r.backlog,
    };
    let mut out = vec![("total", total)];
    out.extend(r.orgs.values().map(|s| ("org", s.clone())));
    for (kind, list) in [("channel", &r.channels), ("department", &r.departments), ("topic", &r.topics), ("member", &r.members)] {
        out.extend(list.iter().map(|s| (kind, s.clone())));
    }
    out
}

/// A text cell a spreadsheet would run as a formula gets a leading apostrophe.
fn cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

fn num(v: Option<f64>) -> String {
    v.map(|x| format!("{x}")).unwrap_or_default()
}

/// One row per slice: kind,key,label,cases,answered,median_frt_s,p90_frt_s,sla_met,sla_missed,negative,backlog.
pub fn to_csv(r: &Report) -> Result<String, DeskError> {
    let fail = |e: csv::Error| DeskError { code: "internal", message: format!("the report's CSV could not be written: {e}") };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["kind", "key", "label", "cases", "answered", "median_frt_s", "p90_frt_s", "sla_met", "sla_missed", "negative", "backlog"]).map_err(fail)?;
    for (kind, s) in all_slices(r) {
        w.write_record([
            kind.to_string(),
            cell(&s.key),
            cell(&s.label),
            s.cases.to_string(),
            s.answered.to_string(),
            num(s.median_frt_s),
            num(s.p90_frt_s),
            s.sla_met.to_string(),
            s.sla_missed.to_string(),
            s.negative.to_string(),
            s.backlog.to_string(),
        ])
        .map_err(fail)?;
    }
    let bytes = w.into_inner().map_err(|e| fail(e.into_error().into()))?;
    // Every cell came from a `&str`: the bytes are UTF-8.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Text safe inside HTML elements and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A duration in seconds for people: "42 s", "12 min", "3.5 h", "2.1 d".
fn duration(v: Option<f64>) -> String {
    match v {
        None => "–".into(),
        Some(s) if s < 60.0 => format!("{s:.0} s"),
        Some(s) if s < 3600.0 => format!("{:.0} min", s / 60.0),
        Some(s) if s < 86_400.0 => format!("{:.1} h", s / 3600.0),
        Some(s) => format!("{:.1} d", s / 86_400.0),
    }
}

fn pct(v: Option<f64>) -> String {
    v.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "–".into())
}

const STYLE: &str = "
body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2330;margin:2rem auto;max-width:1000px;padding:0 1rem}
h1{font-size:1.6rem;margin:0 0 .2rem}h2{font-size:1.15rem;margin:1.6rem 0 .4rem;border-bottom:2px solid #d8dde6}
.sub{color:#5b6474;margin:0 0 1rem}
.kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:.6rem}
.kpi{border:1px solid #d8dde6;border-radius:6px;padding:.5rem .7rem}.kpi b{display:block;font-size:1.3rem}.kpi span{color:#5b6474;font-size:.8rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0}th,td{padding:.25rem .5rem;border-bottom:1px solid #e6e9ef;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f3f5f9;font-weight:600}
.bar{background:#3b6fd4;height:.7rem;display:inline-block;vertical-align:middle}.neg{background:#c9472f}
@media print{body{margin:0;max-width:none;font-size:11px}.kpi,table{break-inside:avoid}h2{break-after:avoid}@page{margin:1.5cm}}
";

fn slice_table(html: &mut String, title: &str, slices: &[&Slice]) {
    if slices.is_empty() {
        return;
    }
    let _ = write!(
        html,
        "<h2>{}</h2><table><thead><tr><th>{}</th><th>Cases</th><th>Answered</th><th>Median first response</th><th>p90 first response</th><th>SLA met</th><th>SLA missed</th><th>Negative</th><th>Backlog</th></tr></thead><tbody>",
        escape(title),
        escape(title)
    );
    for s in slices {
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&s.label),
            s.cases,
            s.answered,
            duration(s.median_frt_s),
            duration(s.p90_frt_s),
            s.sla_met,
            s.sla_missed,
            s.negative,
            s.backlog
        );
    }
    html.push_str("</tbody></table>");
}

/// A printable page: key figures, the slices, the trend as bars, the most influential authors.
pub fn to_html(r: &Report) -> String {
    let mut h = String::new();
    let period = format!("{} to {}", to_rfc3339(r.from), to_rfc3339(r.to));
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Switchboard report, {}</title><style>{STYLE}</style></head><body>",
        escape(&period)
    );
    let _ = write!(h, "<h1>Team report</h1><p class=\"sub\">{} · generated {}</p>", escape(&period), escape(&to_rfc3339(r.generated_at)));
    let kpis = [
        ("Cases", r.cases.to_string()),
        ("Answered", r.answered.to_string()),
        ("Unanswered", r.unanswered.to_string()),
        ("Backlog", r.backlog.to_string()),
        ("Median first response", duration(r.median_frt_s)),
        ("p90 first response", duration(r.p90_frt_s)),
        ("Median next response", duration(r.median_nrt_s)),
        ("Median resolution", duration(r.median_resolution_s)),
        ("SLA compliance", pct(r.sla.pct)),
        ("Posts in / out", format!("{} / {}", r.posts_in, r.posts_out)),
        ("Handed over", pct(r.handed_over_share.map(|s| s * 100.0))),
        (
            "Sentiment −/0/+",
            format!("{} / {} / {}", r.sentiment.negative, r.sentiment.neutral, r.sentiment.positive),
        ),
    ];
    h.push_str("<div class=\"kpis\">");
    for (name, value) in kpis {
        let _ = write!(h, "<div class=\"kpi\"><b>{}</b><span>{}</span></div>", escape(&value), escape(name));
    }
    h.push_str("</div>");
    slice_table(&mut h, "Organisation account", &r.orgs.values().collect::<Vec<_>>());
    slice_table(&mut h, "Channel", &r.channels.iter().collect::<Vec<_>>());
    slice_table(&mut h, "Department", &r.departments.iter().collect::<Vec<_>>());
    slice_table(&mut h, "Topic", &r.topics.iter().collect::<Vec<_>>());
    slice_table(&mut h, "Member", &r.members.iter().collect::<Vec<_>>());

    let peak = r.trend.iter().map(|p| p.posts_in).max().unwrap_or(0).max(1);
    if r.trend.iter().any(|p| p.posts_in > 0 || p.answered > 0) {
        h.push_str("<h2>Trend</h2><table><thead><tr><th>From</th><th>Customer posts</th><th>Negative</th><th>Answered</th><th></th></tr></thead><tbody>");
        for p in r.trend.iter().filter(|p| p.posts_in > 0 || p.answered > 0) {
            let width = |n: i64| n as f64 * 300.0 / peak as f64;
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td style=\"text-align:left\"><span class=\"bar\" style=\"width:{:.0}px\"></span><span class=\"bar neg\" style=\"width:{:.0}px\"></span></td></tr>",
                escape(&to_rfc3339(p.start)),
                p.posts_in,
                p.negative,
                p.answered,
                width(p.posts_in - p.negative),
                width(p.negative)
            );
        }
        h.push_str("</tbody></table>");
    }
    if !r.influential.is_empty() {
        h.push_str("<h2>Most influential authors</h2><table><thead><tr><th>Author</th><th>Channel</th><th>Followers</th><th>Influence</th><th>Cases</th></tr></thead><tbody>");
        for a in &r.influential {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&a.handle),
                escape(&a.channel),
                a.followers.map(|f| f.to_string()).unwrap_or_else(|| "–".into()),
                a.influence,
                a.cases
            );
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped_and_defused() {
        assert_eq!(escape("<script>\"x\" & 'y'</script>"), "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;");
        assert_eq!(cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(cell("@handle"), "'@handle");
        assert_eq!(cell("billing"), "billing");
    }

    #[test]
    fn csv_has_the_total_first_then_each_slice_quoted() {
        let mut r = Report { cases: 3, answered: 2, median_frt_s: Some(90.0), ..Default::default() };
        r.topics.push(Slice { key: "a,b".into(), label: "a,b".into(), cases: 3, negative: 1, ..Default::default() });
        let text = to_csv(&r).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "kind,key,label,cases,answered,median_frt_s,p90_frt_s,sla_met,sla_missed,negative,backlog");
        assert_eq!(lines[1], "total,,All cases,3,2,90,,0,0,1,0");
        assert_eq!(lines[2], "topic,\"a,b\",\"a,b\",3,0,,,0,0,1,0");
    }
}
