//! A progress bar on stderr for a person at a terminal; silent for scripts and pipes.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

pub fn bar(total: u64, quiet: bool, what: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let template = format!("{what} {{bar:40}} {{pos}}/{{len}} {{msg}} [{{elapsed}} < {{eta}}]");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}

/// Reads a file as text, with the path in the message if it can't.
pub fn read_text(path: &std::path::Path) -> Result<String, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .len();
    if size > pcrnn::data::formats::MAX_JSON_BYTES as u64 {
        return Err(format!(
            "{} is {} MB, more than the limit of {} MB",
            path.display(),
            size / (1024 * 1024),
            pcrnn::data::formats::MAX_JSON_BYTES / (1024 * 1024)
        ));
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}
