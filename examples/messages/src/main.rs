//! The messages example's binary: processes one batch of queue messages and prints the generated
//! route table and the batch report.
//!
//! Usage: `routegen-example-messages [FILE | -]`. Without an argument it processes the built-in
//! sample batch (`sample/batch.json`); with a file name, that file; with `-`, standard input. The
//! batch is a JSON array of `{"id": "...", "body": {...}}` records. The report is printed as
//! JSON: `batchItemFailures` (the ids to deliver again, as an SQS-triggered function returns
//! them), `handled` and `failures` (with the reason of each). Failed messages are an ordinary
//! outcome of a batch: the exit status is 0 unless the batch cannot be read or parsed at all.

use std::io::Read;
use std::process::ExitCode;

use routegen_example_messages::routes::messages::ROUTES;
use routegen_example_messages::{SAMPLE_BATCH, process_batch};

const USAGE: &str = "usage: routegen-example-messages [FILE | -]\n  \
    FILE  a JSON batch: [{\"id\": \"...\", \"body\": {...}}, ...]\n  \
    -     read the batch from standard input\n  \
    (none: the built-in sample batch)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (batch, source) = match args.as_slice() {
        [] => (
            Ok(SAMPLE_BATCH.to_owned()),
            "the built-in sample batch".to_owned(),
        ),
        [flag] if flag == "-h" || flag == "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        [dash] if dash == "-" => {
            let mut text = String::new();
            let read = std::io::stdin().read_to_string(&mut text).map(|_| text);
            (read, "standard input".to_owned())
        }
        [path] => (std::fs::read_to_string(path), path.clone()),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let batch = match batch {
        Ok(batch) => batch,
        Err(error) => {
            eprintln!("error: cannot read {source}: {error}");
            return ExitCode::FAILURE;
        }
    };

    print_routes();
    println!();
    match process_batch(&batch) {
        Ok(report) => {
            println!(
                "{source}: {} handled, {} failed",
                report.handled.len(),
                report.failures.len()
            );
            match serde_json::to_string_pretty(&report.to_json()) {
                Ok(json) => println!("{json}"),
                Err(error) => {
                    eprintln!("error: cannot print the report: {error}");
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {source}: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The generated route table: name, pattern (the values that lead to the route, `*` for a
/// default) and where the route is declared.
fn print_routes() {
    let rows: Vec<[String; 3]> = ROUTES
        .iter()
        .map(|route| {
            [
                route.name().to_owned(),
                route.pattern().to_owned(),
                format!("{}:{}", route.file(), route.line()),
            ]
        })
        .collect();
    let header = ["route", "pattern", "declared at"].map(str::to_owned);
    let mut widths = header.each_ref().map(|cell| cell.len());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.len());
        }
    }
    println!("message routes ({}):", ROUTES.len());
    for row in std::iter::once(&header).chain(&rows) {
        println!(
            "  {:<w0$}  {:<w1$}  {}",
            row[0],
            row[1],
            row[2],
            w0 = widths[0],
            w1 = widths[1]
        );
    }
}
