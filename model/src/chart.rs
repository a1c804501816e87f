//! Message-sequence charts of model paths, as SVG: one lifeline per member,
//! the adversary, the external sender, the non-member and the delivery
//! service (DS); each step a row with its arrow (sends go to the DS,
//! deliveries come from it), labelled with the epoch, the AppSync content and
//! the outcome; each member's `application_states` after the step, changed
//! cells marked; one step highlighted (the violating or witnessing one), with
//! a note under the chart saying why.
//!
//! The SVG is self-contained (its own white background and fonts), because
//! stateright's Explorer shows it on a dark panel and files are opened alone.

use std::fmt::Write;

use crate::display::{commit_text, config_text, newest_commit, proposal_text, sender_name};
use crate::explain::describe_step;
use crate::model::{Action, AppSyncModel};
use crate::path::{ReplayError, replay};
use crate::semantics::{Proposal, Sender};
use crate::state::{Message, Outcome, State};

/// The step a chart marks, and what to say about it.
#[derive(Clone, Debug)]
pub struct Highlight {
    /// 1-based step (0: the initial state).
    pub step: usize,
    /// A few words beside the step, e.g. `violates: no lost update`.
    pub label: String,
    /// Longer text under the chart (why).
    pub note: String,
    /// A violation (red) rather than a witness or a plain mark (green).
    pub bad: bool,
}

/// A chart to draw: a title, a path of the model, and an optional highlight.
pub struct Chart<'a> {
    pub title: String,
    pub model: &'a AppSyncModel,
    pub actions: &'a [Action],
    pub highlight: Option<Highlight>,
}

const LEFT: f64 = 260.0;
const COL: f64 = 150.0;
const STATE_COL: f64 = 200.0;
const ROW: f64 = 50.0;
const CHAR: f64 = 6.6;

/// Escapes text for XML character data and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The lifelines, left to right: members, the optional actors, the DS.
fn lifelines(model: &AppSyncModel) -> Vec<String> {
    let cfg = &model.cfg;
    let mut names: Vec<String> = (0..cfg.members).map(|m| format!("m{m}")).collect();
    for (on, name) in [
        (cfg.forgeries > 0, "adv"),
        (cfg.external_proposals > 0, "ext"),
        (cfg.injections > 0, "nm"),
    ] {
        if on {
            names.push(name.into());
        }
    }
    names.push("DS".into());
    names
}

/// The arrow of one step: from which lifeline to which, its label, and its
/// colour class.
fn arrow(before: &State, action: &Action, after: &State) -> (String, String, String, &'static str) {
    let n = before.members.len();
    let ds = "DS".to_string();
    match *action {
        Action::Propose { member, app_sync } => {
            let m = &before.members[member as usize];
            let read = m
                .intent
                .map_or(m.application_states.get(app_sync.application_id), |i| {
                    i.read
                });
            let again = if m.intent.is_some() { " again" } else { "" };
            let read = read.map_or("-".into(), |v| v.to_string());
            let label = format!(
                "e{} proposal {}{again} (read app{}={read})",
                m.epoch,
                proposal_text(Proposal::AppSync(app_sync)),
                app_sync.application_id
            );
            (format!("m{member}"), ds, label, "send")
        }
        Action::ProposeGce { member } => {
            let e = before.members[member as usize].epoch;
            let label = format!("e{e} proposal {}", proposal_text(Proposal::Gce));
            (format!("m{member}"), ds, label, "send")
        }
        Action::Commit { member, .. } => (format!("m{member}"), ds, commit_label(after, n), "send"),
        Action::Forge { .. } => ("adv".into(), ds, commit_label(after, n), "forged"),
        Action::ExternalCommit { .. } => ("nm".into(), ds, commit_label(after, n), "forged"),
        Action::External { app_sync } | Action::Inject { app_sync } => {
            let outsider = matches!(action, Action::Inject { .. });
            let (from, note, class) = if outsider {
                ("nm", " (not a member)", "forged")
            } else {
                ("ext", "", "send")
            };
            let what = proposal_text(Proposal::AppSync(app_sync));
            let label = format!("e{} proposal {what}{note}", before.group_epoch);
            (from.into(), ds, label, class)
        }
        Action::Deliver { member } | Action::DeliverAt { member, .. } => {
            let m = member as usize;
            let at = action.delivery(before).map(|(_, at)| at);
            let what = match at.and_then(|at| before.log.get(at)) {
                Some(Message::Proposal {
                    sender,
                    epoch,
                    proposal,
                    ..
                }) => format!(
                    "e{epoch} proposal {} {}",
                    sender_name(*sender, n),
                    proposal_text(*proposal)
                ),
                Some(Message::Commit(c)) => format!(
                    "e{} commit by {}",
                    c.epoch,
                    sender_name(Sender::Member(c.committer), n)
                ),
                None => "nothing".into(),
            };
            let (result, class) = match after.members[m].last {
                Outcome::Rejected(r) => (format!("rejected ({r:?})"), "rejected"),
                Outcome::AcceptedProposal => ("cached".into(), "deliver"),
                Outcome::AcceptedCommit { .. } => (
                    format!("applied, now e{}", after.members[m].epoch),
                    "applied",
                ),
                Outcome::Nothing => ("-".into(), "deliver"),
            };
            (ds, format!("m{m}"), format!("{what}: {result}"), class)
        }
    }
}

/// The label of the commit a step just sent: epoch, items, claimed state.
fn commit_label(after: &State, n: usize) -> String {
    newest_commit(after).map_or("commit".into(), |c| commit_text(c, n))
}

/// A member's cell after a step: epoch, states, and a pending commit.
fn cell(state: &State, m: usize) -> String {
    let member = &state.members[m];
    let pending = if member.pending { " pending" } else { "" };
    format!("e{} {:?}{pending}", member.epoch, member.application_states)
}

/// Splits `text` into lines of at most `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let last = lines.last_mut().expect("starts with one line");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

fn text(out: &mut String, x: f64, y: f64, class: &str, content: &str) {
    let _ = writeln!(
        out,
        r#"<text x="{x:.0}" y="{y:.0}" class="{class}">{}</text>"#,
        escape(content)
    );
}

const STYLE: &str = "text{font-family:'DejaVu Sans Mono',monospace;font-size:11px;fill:#222}\
.title{font-size:15px;font-weight:bold}.sub{font-size:11px;fill:#555}\
.actor{font-weight:bold;text-anchor:middle}.step{font-weight:bold}\
.label{paint-order:stroke;stroke:#fff;stroke-width:3px}\
.changed{font-weight:bold;fill:#0b5394}.mark{font-weight:bold}\
.note{font-size:12px}\
line.life{stroke:#999;stroke-dasharray:4 3}\
line.send{stroke:#1f4e79}line.deliver{stroke:#555}line.applied{stroke:#2e7d32}\
line.rejected{stroke:#c62828}line.forged{stroke:#8e24aa}";

/// Draws `chart`; fails if its path cannot be replayed on its model.
pub fn render(chart: &Chart) -> Result<String, ReplayError> {
    let states = replay(chart.model, chart.actions)?;
    let lines = lifelines(chart.model);
    let x_of = |name: &str| {
        let i = lines.iter().position(|l| l == name).unwrap_or(0);
        LEFT + 60.0 + i as f64 * COL
    };
    let members = chart.model.cfg.members as usize;
    let ds_x = x_of("DS");
    let state_x = ds_x + 80.0;
    let width = state_x + members as f64 * STATE_COL + 20.0;
    let note_lines: Vec<String> = chart
        .highlight
        .as_ref()
        .map(|h| wrap(&h.note, ((width - 40.0) / (CHAR * 12.0 / 11.0)) as usize))
        .unwrap_or_default();
    let per_line = ((width - 40.0) / CHAR) as usize;
    let subtitle = wrap(
        &format!("configuration: {}", config_text(&chart.model.cfg)),
        per_line,
    );
    // The lifelines' names sit under the subtitle; the rows under them.
    let names_y = 62.0 + (subtitle.len() as f64 - 1.0) * 15.0;
    let top = names_y + 58.0;
    let rows_end = top + (chart.actions.len() as f64 + 0.6) * ROW;
    let height = rows_end + 30.0 + note_lines.len() as f64 * 17.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}">"#
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&chart.title));
    let _ = writeln!(out, "<style>{STYLE}</style>");
    let _ = writeln!(
        out,
        r##"<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>"##
    );
    let _ = writeln!(
        out,
        r##"<rect x="0" y="0" width="{width:.0}" height="{height:.0}" fill="#fff"/>"##
    );
    text(&mut out, 16.0, 24.0, "title", &chart.title);
    for (k, line) in subtitle.iter().enumerate() {
        text(&mut out, 16.0, 44.0 + k as f64 * 15.0, "sub", line);
    }
    // Highlight first, so the row's drawing sits on top of it.
    if let Some(h) = &chart.highlight {
        let y = top + h.step as f64 * ROW - ROW * 0.6;
        let (fill, stroke) = if h.bad {
            ("#fdecea", "#c62828")
        } else {
            ("#e8f5e9", "#2e7d32")
        };
        let _ = writeln!(
            out,
            r#"<rect x="6" y="{y:.0}" width="{:.0}" height="{:.0}" fill="{fill}" stroke="{stroke}" stroke-width="1.5" rx="4"/>"#,
            width - 12.0,
            ROW * 0.96
        );
    }
    // Lifelines with their names.
    for name in &lines {
        let x = x_of(name);
        let _ = writeln!(
            out,
            r##"<rect x="{:.0}" y="{names_y:.0}" width="60" height="22" rx="3" fill="#eef3f8" stroke="#1f4e79"/>"##,
            x - 30.0
        );
        text(&mut out, x, names_y + 15.0, "actor", name);
        let _ = writeln!(
            out,
            r#"<line class="life" x1="{x:.0}" y1="{:.0}" x2="{x:.0}" y2="{rows_end:.0}"/>"#,
            names_y + 22.0
        );
    }
    for m in 0..members {
        let x = state_x + m as f64 * STATE_COL;
        text(
            &mut out,
            x,
            names_y + 15.0,
            "step",
            &format!("m{m} after the step"),
        );
    }
    // Row 0: the initial state.
    text(&mut out, 16.0, top, "step", "0  initial state");
    for m in 0..members {
        let x = state_x + m as f64 * STATE_COL;
        text(&mut out, x, top, "label", &cell(&states[0], m));
    }
    for (i, action) in chart.actions.iter().enumerate() {
        let (before, after) = (&states[i], &states[i + 1]);
        let y = top + (i + 1) as f64 * ROW;
        let _ = writeln!(
            out,
            "<g><title>{}</title>",
            escape(&format!(
                "step {}: {}",
                i + 1,
                describe_step(before, action, after)
            ))
        );
        text(&mut out, 16.0, y, "step", &format!("{}  {action}", i + 1));
        if let Some(h) = chart.highlight.as_ref().filter(|h| h.step == i + 1) {
            text(&mut out, 16.0, y + 14.0, "mark", &h.label);
        }
        let (from, to, label, class) = arrow(before, action, after);
        let (x1, x2) = (x_of(&from), x_of(&to));
        let _ = writeln!(
            out,
            r#"<line class="{class}" x1="{x1:.0}" y1="{:.0}" x2="{x2:.0}" y2="{:.0}" stroke-width="1.6" marker-end="url(#head)"/>"#,
            y + 4.0,
            y + 4.0
        );
        text(&mut out, x1.min(x2) + 6.0, y - 3.0, "label", &label);
        for m in 0..members {
            let x = state_x + m as f64 * STATE_COL;
            let (old, new) = (cell(before, m), cell(after, m));
            let class = if old == new { "label" } else { "label changed" };
            text(&mut out, x, y, class, &new);
        }
        out.push_str("</g>\n");
    }
    for (k, line) in note_lines.iter().enumerate() {
        text(
            &mut out,
            16.0,
            rows_end + 24.0 + k as f64 * 17.0,
            "note",
            line,
        );
    }
    out.push_str("</svg>\n");
    Ok(out)
}
