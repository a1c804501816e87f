//! Progress on standard error: a bar with position, total, rate and time
//! left where the total is known (the exhaustive replay knows its transition
//! count once the model is checked; the random run its trace count), a
//! spinner with a rate where it is not (model checking). indicatif draws
//! nothing when standard error is not a terminal, and `--json` hides both.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A spinner showing elapsed time and a message (set it with a rate).
pub fn spinner(hidden: bool, message: String) -> ProgressBar {
    if hidden {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// A bar of `total` units named `unit`, with rate and time left.
pub fn bar(hidden: bool, total: u64, message: String, unit: &str) -> ProgressBar {
    if hidden {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let template = format!(
        "{{msg}} [{{bar:30}}] {{human_pos}}/{{human_len}} {unit} {{per_sec:0}}, {{eta}} left"
    );
    bar.set_style(
        ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(500));
    bar
}
