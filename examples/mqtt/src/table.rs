//! The tables the binary prints at start-up: the generated routes and subscriptions.

use std::fmt::Write as _;

use routegen::{Routes, Subscription};

/// Renders the MQTT routes: name, full topic pattern, handler and `file:line`.
pub fn routes(routes: Routes) -> String {
    render(
        ["NAME", "TOPIC", "HANDLER", "SOURCE"],
        routes.iter().map(|route| {
            [
                route.name().to_owned(),
                route.pattern().to_owned(),
                route.handler().unwrap_or("-").to_owned(),
                format!("{}:{}", route.file(), route.line()),
            ]
        }),
    )
}

/// Renders the subscriptions: filter, QoS and share group.
pub fn subscriptions(subscriptions: &[Subscription]) -> String {
    render(
        ["FILTER", "QOS", "GROUP"],
        subscriptions.iter().map(|sub| {
            [
                sub.filter().to_owned(),
                sub.qos().level().to_string(),
                sub.group().unwrap_or("-").to_owned(),
            ]
        }),
    )
}

/// An aligned text table: the headings, then one line per row.
fn render<const N: usize>(headings: [&str; N], rows: impl Iterator<Item = [String; N]>) -> String {
    let rows: Vec<[String; N]> = rows.collect();
    let mut widths = headings.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let headings = headings.map(str::to_owned);
    for cells in std::iter::once(&headings).chain(&rows) {
        let mut line = String::new();
        for (cell, width) in cells.iter().zip(widths) {
            // Writing to a String cannot fail.
            let _ = write!(line, "{cell:<width$}  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
