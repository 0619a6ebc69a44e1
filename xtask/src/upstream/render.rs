//! The drift reports of `cargo xtask upstream`, written for a terminal (`text`), an issue or a
//! pull request (`markdown`) or a script (`json`).

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::drift::{Class, Difference, Report};

/// One service compared with its published definition.
pub struct Compared {
    pub service: String,
    /// `specs/<service>.yaml`.
    pub spec: String,
    /// The URL fetched, or the file given with `--from`.
    pub source: String,
    /// The published `info.version`, if it says one.
    pub version: Option<String>,
    pub report: Report,
}

impl Compared {
    /// `1 breaking, 0 compatible, 2 informational; 5 deviations`.
    fn counts(&self) -> String {
        let classes: Vec<String> = Class::ALL
            .iter()
            .map(|c| format!("{} {}", self.report.count(*c), c.as_str()))
            .collect();
        format!(
            "{}; {} declared deviation(s)",
            classes.join(", "),
            self.report.deviations()
        )
    }

    fn against(&self) -> String {
        match &self.version {
            Some(version) => format!("{} (published version {version})", self.source),
            None => self.source.clone(),
        }
    }
}

/// Drift first, by class, then the deviations.
fn ordered(report: &Report) -> Vec<&Difference> {
    let mut differences: Vec<&Difference> = report.differences.iter().collect();
    differences.sort_by_key(|d| (!d.is_drift(), d.class));
    differences
}

/// `deviation` or the class.
fn label(difference: &Difference) -> &'static str {
    if difference.is_drift() {
        difference.class.as_str()
    } else {
        "deviation"
    }
}

/// `GET /a (a), PUT /b (b)`, or nothing for the document.
fn operations(difference: &Difference) -> String {
    difference.operations.join(", ")
}

pub fn text(compared: &[Compared]) -> String {
    let mut out = String::new();
    for c in compared {
        let _ = writeln!(out, "{}: {} against {}", c.service, c.spec, c.against());
        for d in ordered(&c.report) {
            let _ = writeln!(out, "  {:<13} {}: {}", label(d), d.place, d.change);
            if !d.operations.is_empty() {
                let _ = writeln!(out, "  {:<13} in {}", "", operations(d));
            }
            match &d.deviation {
                Some(reason) => {
                    let _ = writeln!(out, "  {:<13} deviation: {reason}", "");
                }
                None => {
                    let _ = writeln!(out, "  {:<13} fix: {}", "", d.fix);
                }
            }
        }
        if !c.report.uncovered.is_empty() {
            let _ = writeln!(
                out,
                "  {} published operation(s) credkit does not cover (not drift): {}",
                c.report.uncovered.len(),
                c.report.uncovered.join(", ")
            );
        }
        let _ = writeln!(out, "  summary: {}", c.counts());
    }
    out
}

/// A table cell: no line breaks, `|` escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(compared: &[Compared]) -> String {
    let mut out = String::new();
    for c in compared {
        let _ = writeln!(out, "## {}\n", c.service);
        let _ = writeln!(
            out,
            "`{}` against {}: {}.\n",
            c.spec,
            c.against(),
            c.counts()
        );
        if !c.report.differences.is_empty() {
            let _ = writeln!(
                out,
                "| class | operations | where | difference | change in specs/ or deviation |"
            );
            let _ = writeln!(out, "|---|---|---|---|---|");
            for d in ordered(&c.report) {
                let action = match &d.deviation {
                    Some(reason) => format!("deviation: {reason}"),
                    None => d.fix.clone(),
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    label(d),
                    cell(&operations(d)),
                    cell(&d.place),
                    cell(&d.change),
                    cell(&action)
                );
            }
            out.push('\n');
        }
        if !c.report.uncovered.is_empty() {
            let names: Vec<String> = c
                .report
                .uncovered
                .iter()
                .map(|n| format!("`{n}`"))
                .collect();
            let _ = writeln!(
                out,
                "{} published operation(s) credkit does not cover (not drift): {}.\n",
                c.report.uncovered.len(),
                names.join(", ")
            );
        }
    }
    out
}

pub fn json(compared: &[Compared], errors: &[String]) -> String {
    let services: Vec<Value> = compared
        .iter()
        .map(|c| {
            let differences: Vec<Value> = ordered(&c.report)
                .into_iter()
                .map(|d| {
                    json!({
                        "class": d.class.as_str(),
                        "operations": d.operations,
                        "place": d.place,
                        "change": d.change,
                        "fix": d.fix,
                        "deviation": d.deviation,
                    })
                })
                .collect();
            json!({
                "service": c.service,
                "spec": c.spec,
                "upstream": c.source,
                "version": c.version,
                "drift": c.report.has_drift(),
                "counts": {
                    "breaking": c.report.count(Class::Breaking),
                    "compatible": c.report.count(Class::Compatible),
                    "informational": c.report.count(Class::Informational),
                    "deviations": c.report.deviations(),
                },
                "differences": differences,
                "uncovered": c.report.uncovered,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({ "services": services, "errors": errors }))
        .unwrap_or_default();
    text.push('\n');
    text
}
