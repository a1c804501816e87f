//! What stateright's Explorer shows of this model: each step as a sentence
//! plus the state in the model's words with the lines the step changed
//! marked (`Model::format_step`), the path so far as a message-sequence
//! chart (`Model::as_svg`), the configuration on every step, and property
//! names that say when a property cannot apply to the configuration.

use crate::chart::{self, Chart, Highlight};
use crate::display::{changed_lines, config_text};
use crate::explain::{describe_step, verdict_notes};
use crate::model::{Action, AppSyncModel};
use crate::path::replay;
use crate::properties::claims;
use crate::state::State;
use stateright::{Expectation, Model};

impl AppSyncModel {
    /// The same model with property names for the Explorer: a witness the
    /// configuration cannot reach says `not applicable here` and why, and a
    /// violation that is a known finding says so. The checker's verdicts
    /// look properties up by their plain names, so only the Explorer uses
    /// this.
    pub fn for_explorer(mut self) -> Self {
        let names = claims(&self.cfg)
            .into_iter()
            .map(|claim| {
                let name = claim.property.name;
                match ((claim.excuse)(&self.cfg), claim.property.expectation) {
                    (None, _) => name,
                    // Property names are `&'static str`; these few strings
                    // are made once per Explorer and live as long as it.
                    (Some(why), Expectation::Sometimes) => {
                        leak(format!("{name} (not applicable here: {why})"))
                    }
                    (Some(_), _) => leak(format!("{name} (expected to fail: a finding)")),
                }
            })
            .collect();
        self.explorer_names = Some(names);
        self
    }

    /// `Model::format_step`: what the step did, the configuration, and the
    /// state after it with changed lines marked `>`.
    pub(crate) fn explain_step(&self, last: &State, action: Action) -> Option<String> {
        let next = self.next_state(last, action)?;
        let mut text = format!(
            "step {action}: {}\nconfiguration: {}\n(lines marked > changed in this step)\n\n",
            describe_step(last, &action, &next),
            config_text(&self.cfg)
        );
        text.push_str(&changed_lines(last, &next).join("\n"));
        Some(text)
    }

    /// `Model::as_svg`: the path as a chart, its last step highlighted with
    /// what it did and which properties its state violates or witnesses.
    pub(crate) fn path_chart(&self, actions: &[Action]) -> Option<String> {
        let states = replay(self, actions).ok()?;
        let mut notes = Vec::new();
        if let (Some(action), [.., before, after]) = (actions.last(), states.as_slice()) {
            notes.push(format!(
                "last step: {}.",
                describe_step(before, action, after)
            ));
        }
        let verdicts = verdict_notes(self, &states, actions);
        // Red when the state violates a property, green otherwise.
        let bad = verdicts
            .iter()
            .any(|n| n.starts_with("This state violates"));
        notes.extend(verdicts);
        let chart = Chart {
            title: format!("Explorer: a path of {} steps", actions.len()),
            model: self,
            actions,
            highlight: Some(Highlight {
                step: actions.len(),
                label: "this state".into(),
                note: notes.join(" "),
                bad,
            }),
        };
        chart::render(&chart).ok()
    }
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}
