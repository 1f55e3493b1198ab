//! The route table that the service prints at start-up.

use std::fmt::Write as _;

use routegen::{RouteInfo, Routes};

const HEADINGS: [&str; 6] = [
    "METHODS",
    "PATTERN",
    "NAME",
    "HANDLER",
    "MIDDLEWARE",
    "SOURCE",
];

/// Renders `routes` as an aligned text table, one line per route plus a heading line:
/// methods (or `ANY`), pattern, name, handler, middleware (outermost first) and `file:line`.
pub fn render(routes: Routes) -> String {
    let rows: Vec<[String; 6]> = routes.iter().map(row).collect();
    let mut widths = HEADINGS.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let headings = HEADINGS.map(str::to_owned);
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

fn row(route: RouteInfo) -> [String; 6] {
    let methods = if route.methods().is_empty() {
        "ANY".to_owned()
    } else {
        route
            .methods()
            .iter()
            .map(|method| method.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    let middleware = if route.middleware().is_empty() {
        "-".to_owned()
    } else {
        route.middleware().join(",")
    };
    [
        methods,
        route.pattern().to_owned(),
        route.name().to_owned(),
        route.handler().unwrap_or("-").to_owned(),
        middleware,
        format!("{}:{}", route.file(), route.line()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::ROUTES;

    #[test]
    fn one_line_per_route_with_a_heading() {
        let table = render(ROUTES);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), ROUTES.len() + 1);
        assert!(lines[0].starts_with("METHODS"));
        let echo = lines
            .iter()
            .find(|line| line.contains(" debug_echo "))
            .expect("debug_echo row");
        assert!(echo.starts_with("ANY "), "{echo}");
        assert!(echo.contains("routes/system.toml:"), "{echo}");
    }
}
