//! Real JSON batches through `process_batch`: which handler ran with which fields, which messages
//! became batch item failures and why, and which batches are rejected as a whole.

use routegen_example_messages::handlers::{HandlerError, Outcome};
use routegen_example_messages::routes::messages::ROUTES;
use routegen_example_messages::{
    BatchError, BatchItemFailure, BatchReport, FailureReason, Handled, SAMPLE_BATCH, process_batch,
};
use serde_json::json;

fn process(batch: &str) -> BatchReport {
    match process_batch(batch) {
        Ok(report) => report,
        Err(error) => panic!("the batch was rejected: {error}\n{batch}"),
    }
}

fn handled(id: &str, route: &'static str, summary: &str) -> Handled {
    Handled {
        id: id.to_owned(),
        route,
        outcome: Outcome {
            handler: route,
            summary: summary.to_owned(),
        },
    }
}

fn unmatched(id: &str, key: &'static str, value: Option<&str>) -> BatchItemFailure {
    BatchItemFailure {
        id: id.to_owned(),
        reason: FailureReason::Unmatched {
            key,
            value: value.map(str::to_owned),
        },
    }
}

/// The ids of the failed items, as the batch response lists them.
fn failed_ids(report: &BatchReport) -> Vec<&str> {
    report.failures.iter().map(|f| f.id.as_str()).collect()
}

#[test]
fn every_route_runs_its_handler_with_the_message_fields() {
    let report = process(
        r#"[
        {"id": "1", "body": {"type": "order.created", "order_id": "o-1", "total_cents": 1250}},
        {"id": "2", "body": {"type": "order.cancelled", "order_id": "o-2", "reason": "duplicate"}},
        {"id": "3", "body": {"type": "order.updated", "field": "status", "order_id": "o-3", "value": "packed"}},
        {"id": "4", "body": {"type": "order.updated", "field": "address", "order_id": "o-4", "value": "1 Rue Neuve, Lyon"}},
        {"id": "5", "body": {"type": "order.updated", "field": "notes", "order_id": "o-5"}},
        {"id": "6", "body": {"type": "user.signup", "user_id": "u-6", "email": "grace@example.com"}},
        {"id": "7", "body": {"type": "user.account", "action": "suspend", "user_id": "u-7"}},
        {"id": "8", "body": {"type": "user.account", "action": "delete", "user_id": "u-8"}},
        {"id": "9", "body": {"type": "payment.received", "payment_id": "p-9", "amount_cents": 999}},
        {"id": "10", "body": {"type": "refund.issued", "payment_id": "p-9", "amount_cents": 499}}
    ]"#,
    );
    assert_eq!(report.failures, []);
    assert_eq!(
        report.handled,
        [
            handled("1", "order_created", "created order o-1 for 1250 cents"),
            handled("2", "order_cancelled", "cancelled order o-2 (duplicate)"),
            handled("3", "order_status_changed", "order o-3 is now packed"),
            handled(
                "4",
                "order_address_changed",
                "order o-4 now ships to 1 Rue Neuve, Lyon"
            ),
            handled(
                "5",
                "order_updated_other",
                "ignored an update of `notes` on order o-5"
            ),
            handled(
                "6",
                "user_signup",
                "sent a welcome email to grace@example.com for user u-6"
            ),
            handled(
                "7",
                "user_suspended",
                "suspended user u-7 (no reason given)"
            ),
            handled("8", "user_deleted", "deleted user u-8"),
            handled("9", "payment_received", "recorded payment p-9 of 999 cents"),
            handled("10", "refund_issued", "refunded 499 cents of payment p-9"),
        ]
    );
    // One message per route, including the one from billing.json: `dispatch` wires each route to
    // the handler of the same name.
    let mut routes: Vec<&str> = report.handled.iter().map(|h| h.route).collect();
    let mut declared: Vec<&str> = ROUTES.iter().map(|r| r.name()).collect();
    routes.sort_unstable();
    declared.sort_unstable();
    assert_eq!(routes, declared);
}

#[test]
fn a_subrouter_routes_by_the_second_key() {
    let report = process(
        r#"[
        {"id": "a", "body": {"type": "order.updated", "field": "address", "order_id": "o-1", "value": "Main St 1"}},
        {"id": "b", "body": {"type": "order.updated", "field": "status", "order_id": "o-1", "value": "shipped"}},
        {"id": "c", "body": {"type": "user.account", "action": "delete", "user_id": "u-1"}},
        {"id": "d", "body": {"type": "user.account", "action": "suspend", "user_id": "u-1", "reason": "fraud"}}
    ]"#,
    );
    assert_eq!(
        report.handled,
        [
            handled(
                "a",
                "order_address_changed",
                "order o-1 now ships to Main St 1"
            ),
            handled("b", "order_status_changed", "order o-1 is now shipped"),
            handled("c", "user_deleted", "deleted user u-1"),
            handled("d", "user_suspended", "suspended user u-1 (fraud)"),
        ]
    );
    assert_eq!(report.failures, []);
}

#[test]
fn the_subrouter_default_takes_an_unknown_missing_or_non_string_second_key() {
    let report = process(
        r#"[
        {"id": "unknown", "body": {"type": "order.updated", "field": "priority", "order_id": "o-1"}},
        {"id": "missing", "body": {"type": "order.updated", "order_id": "o-2"}},
        {"id": "number", "body": {"type": "order.updated", "field": 7, "order_id": "o-3"}},
        {"id": "case", "body": {"type": "order.updated", "field": "STATUS", "order_id": "o-4"}}
    ]"#,
    );
    assert_eq!(report.failures, []);
    let routes: Vec<(&str, &str)> = report
        .handled
        .iter()
        .map(|h| (h.id.as_str(), h.route))
        .collect();
    assert_eq!(
        routes,
        [
            ("unknown", "order_updated_other"),
            ("missing", "order_updated_other"),
            ("number", "order_updated_other"),
            ("case", "order_updated_other"),
        ]
    );
    assert_eq!(
        report.handled[0].outcome.summary,
        "ignored an update of `priority` on order o-1"
    );
    assert_eq!(
        report.handled[1].outcome.summary,
        "ignored an update of order o-2 that names no field"
    );
}

#[test]
fn an_unmatched_type_is_a_batch_item_failure() {
    let report = process(
        r#"[
        {"id": "ok", "body": {"type": "user.account", "action": "delete", "user_id": "u-1"}},
        {"id": "m-404", "body": {"type": "shipment.delivered", "shipment_id": "s-1"}},
        {"id": "m-empty", "body": {"type": ""}}
    ]"#,
    );
    assert_eq!(
        report.handled,
        [handled("ok", "user_deleted", "deleted user u-1")]
    );
    assert_eq!(
        report.failures,
        [
            unmatched("m-404", "type", Some("shipment.delivered")),
            unmatched("m-empty", "type", Some("")),
        ]
    );
    // The reason reads as routegen's `Unmatched` does.
    assert_eq!(
        report.failures[0].reason.to_string(),
        routegen::Unmatched {
            key: "type",
            value: Some("shipment.delivered")
        }
        .to_string()
    );
    assert_eq!(
        report.failures[0].reason.to_string(),
        r#"no route for type = "shipment.delivered""#
    );
    assert_eq!(
        report.batch_response(),
        json!({"batchItemFailures": [{"itemIdentifier": "m-404"}, {"itemIdentifier": "m-empty"}]})
    );
}

#[test]
fn an_unmatched_second_key_without_a_default_is_a_failure_naming_that_key() {
    // `user.account` has no default and there is no app-wide default.
    let report = process(
        r#"[
        {"id": "merge", "body": {"type": "user.account", "action": "merge", "user_id": "u-1"}},
        {"id": "no-action", "body": {"type": "user.account", "user_id": "u-2"}}
    ]"#,
    );
    assert_eq!(report.handled, []);
    assert_eq!(
        report.failures,
        [
            unmatched("merge", "action", Some("merge")),
            unmatched("no-action", "action", None),
        ]
    );
    assert_eq!(
        report.failures[0].reason.to_string(),
        r#"no route for action = "merge""#
    );
    assert_eq!(
        report.failures[1].reason.to_string(),
        r#"no route: the message has no string field "action""#
    );
}

#[test]
fn a_message_without_a_string_type_is_a_failure() {
    let report = process(
        r#"[
        {"id": "no-type", "body": {"order_id": "o-1", "total_cents": 100}},
        {"id": "null-type", "body": {"type": null}},
        {"id": "number-type", "body": {"type": 3}},
        {"id": "empty", "body": {}}
    ]"#,
    );
    assert_eq!(report.handled, []);
    assert_eq!(
        report.failures,
        [
            unmatched("no-type", "type", None),
            unmatched("null-type", "type", None),
            unmatched("number-type", "type", None),
            unmatched("empty", "type", None),
        ]
    );
    assert_eq!(
        report.failures[0].reason.to_string(),
        r#"no route: the message has no string field "type""#
    );
}

#[test]
fn a_body_that_is_not_an_object_is_a_failure() {
    let report = process(
        r#"[
        {"id": "string", "body": "{\"type\": \"order.created\"}"},
        {"id": "array", "body": [{"type": "order.created"}]},
        {"id": "null", "body": null},
        {"id": "number", "body": 42},
        {"id": "no-body"}
    ]"#,
    );
    assert_eq!(report.handled, []);
    let reasons: Vec<(&str, String)> = report
        .failures
        .iter()
        .map(|f| (f.id.as_str(), f.reason.to_string()))
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "string",
                "the body is not a JSON object (found a string)".to_owned()
            ),
            (
                "array",
                "the body is not a JSON object (found an array)".to_owned()
            ),
            (
                "null",
                "the body is not a JSON object (found null)".to_owned()
            ),
            (
                "number",
                "the body is not a JSON object (found a number)".to_owned()
            ),
            (
                "no-body",
                "the body is not a JSON object (found missing)".to_owned()
            ),
        ]
    );
    assert_eq!(
        report.failures[0].reason,
        FailureReason::NotAnObject { found: "a string" }
    );
}

#[test]
fn a_handler_error_fails_only_its_message() {
    let report = process(
        r#"[
        {"id": "bad-amount", "body": {"type": "payment.received", "payment_id": "p-1", "amount_cents": -5}},
        {"id": "good", "body": {"type": "payment.received", "payment_id": "p-2", "amount_cents": 5, "order_id": "o-2"}},
        {"id": "no-order", "body": {"type": "order.created", "total_cents": 100}},
        {"id": "bad-email", "body": {"type": "user.signup", "user_id": "u-1", "email": "nobody"}},
        {"id": "default-fails", "body": {"type": "order.updated", "field": "priority"}}
    ]"#,
    );
    assert_eq!(
        report.handled,
        [handled(
            "good",
            "payment_received",
            "recorded payment p-2 of 5 cents for order o-2"
        )]
    );
    assert_eq!(
        report.failures,
        [
            BatchItemFailure {
                id: "bad-amount".to_owned(),
                reason: FailureReason::Handler {
                    route: "payment_received",
                    error: HandlerError::InvalidField {
                        field: "amount_cents",
                        expected: "a positive integer"
                    },
                },
            },
            BatchItemFailure {
                id: "no-order".to_owned(),
                reason: FailureReason::Handler {
                    route: "order_created",
                    error: HandlerError::MissingField("order_id"),
                },
            },
            BatchItemFailure {
                id: "bad-email".to_owned(),
                reason: FailureReason::Handler {
                    route: "user_signup",
                    error: HandlerError::InvalidField {
                        field: "email",
                        expected: "an email address"
                    },
                },
            },
            BatchItemFailure {
                id: "default-fails".to_owned(),
                reason: FailureReason::Handler {
                    route: "order_updated_other",
                    error: HandlerError::MissingField("order_id"),
                },
            },
        ]
    );
    assert_eq!(
        report.failures[0].reason.to_string(),
        "the handler of route `payment_received` failed: field `amount_cents` is not a positive integer"
    );
    assert_eq!(
        report.failures[1].reason.to_string(),
        "the handler of route `order_created` failed: missing field `order_id`"
    );
}

#[test]
fn the_order_of_keys_in_the_body_does_not_matter() {
    let report = process(
        r#"[
        {"id": "type-first", "body": {"type": "order.updated", "field": "status", "order_id": "o-1", "value": "paid"}},
        {"id": "type-last", "body": {"value": "paid", "order_id": "o-1", "field": "status", "type": "order.updated"}},
        {"body": {"user_id": "u-1", "action": "delete", "type": "user.account"}, "id": "id-last"}
    ]"#,
    );
    assert_eq!(report.failures, []);
    assert_eq!(
        report.handled,
        [
            handled(
                "type-first",
                "order_status_changed",
                "order o-1 is now paid"
            ),
            handled("type-last", "order_status_changed", "order o-1 is now paid"),
            handled("id-last", "user_deleted", "deleted user u-1"),
        ]
    );
}

#[test]
fn a_malformed_batch_is_an_error_and_no_handler_runs() {
    assert!(matches!(
        process_batch(r#"[{"id": "1", "body": {"#),
        Err(BatchError::Json(_))
    ));
    assert!(matches!(process_batch(""), Err(BatchError::Json(_))));
    assert!(matches!(
        process_batch(r#"{"id": "1", "body": {"type": "order.created"}}"#),
        Err(BatchError::NotAnArray)
    ));
    // A record that cannot be reported on its own (no string id) rejects the whole batch, before
    // any message of it is handled.
    let error = process_batch(
        r#"[
        {"id": "1", "body": {"type": "user.account", "action": "delete", "user_id": "u-1"}},
        {"id": 2, "body": {"type": "user.account", "action": "delete", "user_id": "u-2"}}
    ]"#,
    )
    .expect_err("a numeric id");
    assert!(matches!(error, BatchError::Record { index: 1, .. }));
    assert_eq!(error.to_string(), "record 1: no string `id`");
    assert!(matches!(
        process_batch(r#"[{"id": "1", "body": {}}, "m-2"]"#),
        Err(BatchError::Record { index: 1, .. })
    ));
    let json_error = process_batch("[").expect_err("truncated");
    assert!(
        json_error
            .to_string()
            .starts_with("the batch is not valid JSON: ")
    );
    assert!(std::error::Error::source(&json_error).is_some());
}

#[test]
fn an_empty_batch_acknowledges_nothing_and_fails_nothing() {
    let report = process("[]");
    assert_eq!(report, BatchReport::default());
    assert_eq!(report.batch_response(), json!({"batchItemFailures": []}));
}

#[test]
fn the_sample_batch_and_its_json_report() {
    let report = process(SAMPLE_BATCH);
    assert_eq!(failed_ids(&report), ["m-6", "m-8", "m-9", "m-10", "m-11"]);
    let handled: Vec<(&str, &str)> = report
        .handled
        .iter()
        .map(|h| (h.id.as_str(), h.route))
        .collect();
    assert_eq!(
        handled,
        [
            ("m-1", "order_created"),
            ("m-2", "order_status_changed"),
            ("m-3", "order_updated_other"),
            ("m-4", "user_signup"),
            ("m-5", "user_suspended"),
            ("m-7", "payment_received"),
        ]
    );
    let json = report.to_json();
    assert_eq!(
        json["batchItemFailures"][0],
        json!({"itemIdentifier": "m-6"})
    );
    assert_eq!(json["batchItemFailures"].as_array().map(Vec::len), Some(5));
    assert_eq!(
        json["failures"][2],
        json!({"itemIdentifier": "m-9", "reason": "no route for type = \"shipment.delivered\""})
    );
    assert_eq!(
        json["handled"][0],
        json!({
            "itemIdentifier": "m-1",
            "route": "order_created",
            "handler": "order_created",
            "summary": "created order o-17 for 4200 cents",
        })
    );
}
