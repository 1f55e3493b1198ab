//! A queue consumer whose message router is generated at build time by routegen.
//!
//! The route files in `routes/` (`transport = "message"`: `orders.toml`, `users.toml` and
//! `billing.json`) become the [`routes::messages`] module when `build.rs` runs: `enum Message`,
//! `recognize` and `ROUTES`. A message is routed by its `type` field and, for `order.updated`
//! and `user.account`, again by a second field (`field`, `action`).
//!
//! [`process_batch`] consumes a batch the way an SQS-triggered function does with
//! *batch item failures*: every message is routed and handled on its own, and the report lists
//! the ids of the messages that failed, so that only those are delivered again. A message fails
//! when no route takes it, when its body is not a JSON object, or when its handler returns an
//! error. There is deliberately no app-wide default route: a message of an unknown `type` is a
//! failure (retried, then dead-lettered by the queue), not silently acknowledged. Only the
//! `order.updated` subrouter has a default, because an update of a field nobody cares about is
//! safe to acknowledge.
//!
//! ```
//! let batch = r#"[
//!     {"id": "m-1", "body": {"type": "order.created", "order_id": "o-1", "total_cents": 500}},
//!     {"id": "m-2", "body": {"type": "order.shipped", "order_id": "o-1"}}
//! ]"#;
//! let report = routegen_example_messages::process_batch(batch)?;
//! assert_eq!(report.handled[0].route, "order_created");
//! assert_eq!(report.failures[0].id, "m-2");
//! assert_eq!(report.failures[0].reason.to_string(), r#"no route for type = "order.shipped""#);
//! # Ok::<(), routegen_example_messages::BatchError>(())
//! ```

use std::fmt;

use serde_json::{Value, json};

pub mod handlers;

/// The routers generated from `routes/` by `routegen_codegen::compile` in `build.rs`; the message
/// routes are in [`routes::messages`].
pub mod routes {
    routegen::include_routes!();
}

use handlers::{HandlerError, Outcome};
use routes::messages::{self, Message};

/// The sample batch that the binary processes when it is given no input
/// (`sample/batch.json`): at least one message for each way a message can end.
pub const SAMPLE_BATCH: &str = include_str!("../sample/batch.json");

/// What became of a batch: the messages handled and the messages that failed, each in batch
/// order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchReport {
    /// The messages that a handler took and succeeded with.
    pub handled: Vec<Handled>,
    /// The messages to deliver again.
    pub failures: Vec<BatchItemFailure>,
}

/// A message that was routed and handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled {
    /// The message's id in the batch.
    pub id: String,
    /// The name of the route that took it (`order_status_changed`).
    pub route: &'static str,
    /// What the handler did.
    pub outcome: Outcome,
}

/// A message of the batch that failed and is to be delivered again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchItemFailure {
    /// The message's id in the batch: the `itemIdentifier` of the batch response.
    pub id: String,
    /// Why it failed.
    pub reason: FailureReason,
}

/// Why a message of a batch failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureReason {
    /// No route and no default takes the message: the generated router returned
    /// [`routegen::Unmatched`]. Displays as `Unmatched` does.
    Unmatched {
        /// The field the last router reached read (`type`, or a subrouter's key).
        key: &'static str,
        /// Its value, or `None` when the message has no such string field.
        value: Option<String>,
    },
    /// The body is not a JSON object, so it has no fields to route by.
    NotAnObject {
        /// What it is instead: `null`, `a boolean`, `a number`, `a string`, `an array`, or
        /// `missing` when the record has no body.
        found: &'static str,
    },
    /// The route's handler rejected the message.
    Handler {
        /// The name of the route that took the message.
        route: &'static str,
        /// The handler's error.
        error: HandlerError,
    },
}

impl From<routegen::Unmatched<'_>> for FailureReason {
    fn from(unmatched: routegen::Unmatched<'_>) -> Self {
        FailureReason::Unmatched {
            key: unmatched.key,
            value: unmatched.value.map(str::to_owned),
        }
    }
}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureReason::Unmatched { key, value } => routegen::Unmatched {
                key,
                value: value.as_deref(),
            }
            .fmt(f),
            FailureReason::NotAnObject { found } => {
                write!(f, "the body is not a JSON object (found {found})")
            }
            FailureReason::Handler { route, error } => {
                write!(f, "the handler of route `{route}` failed: {error}")
            }
        }
    }
}

/// A batch that cannot be processed at all. Nothing of such a batch has been handled.
#[derive(Debug)]
pub enum BatchError {
    /// The batch is not valid JSON.
    Json(serde_json::Error),
    /// The batch is JSON but not an array of records.
    NotAnArray,
    /// A record is not an object with a string `id`, so it cannot be reported on its own.
    Record {
        /// The record's position in the batch (0-based).
        index: usize,
        /// What is wrong with it.
        problem: &'static str,
    },
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchError::Json(error) => write!(f, "the batch is not valid JSON: {error}"),
            BatchError::NotAnArray => f.write_str("the batch is not a JSON array of records"),
            BatchError::Record { index, problem } => write!(f, "record {index}: {problem}"),
        }
    }
}

impl std::error::Error for BatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BatchError::Json(error) => Some(error),
            _ => None,
        }
    }
}

impl BatchReport {
    /// The partial batch response of an SQS-triggered Lambda function:
    /// `{"batchItemFailures": [{"itemIdentifier": "m-6"}, ...]}`. An empty list acknowledges the
    /// whole batch.
    pub fn batch_response(&self) -> Value {
        let failures: Vec<Value> = self
            .failures
            .iter()
            .map(|failure| json!({ "itemIdentifier": failure.id }))
            .collect();
        json!({ "batchItemFailures": failures })
    }

    /// The whole report as JSON: [`batch_response`](Self::batch_response)'s `batchItemFailures`,
    /// plus `handled` (id, route, handler and summary of each handled message) and `failures` (id
    /// and reason of each failed one).
    pub fn to_json(&self) -> Value {
        let mut report = self.batch_response();
        let handled: Vec<Value> = self
            .handled
            .iter()
            .map(|item| {
                json!({
                    "itemIdentifier": item.id,
                    "route": item.route,
                    "handler": item.outcome.handler,
                    "summary": item.outcome.summary,
                })
            })
            .collect();
        let failures: Vec<Value> = self
            .failures
            .iter()
            .map(|failure| {
                json!({ "itemIdentifier": failure.id, "reason": failure.reason.to_string() })
            })
            .collect();
        report["handled"] = Value::Array(handled);
        report["failures"] = Value::Array(failures);
        report
    }
}

/// Routes and handles every message of a batch, and reports which ones failed.
///
/// The batch is a JSON array of records `{"id": "...", "body": {...}}`, like the records of an
/// SQS event with their bodies decoded. Each body is routed with
/// [`messages::recognize`] by its string fields and handed to its route's handler by
/// [`dispatch`]. A record whose body is not an object, that no route takes, or whose handler
/// fails becomes a [`BatchItemFailure`]; the other records are unaffected.
///
/// # Errors
/// [`BatchError`] when the batch is not a JSON array or a record is not an object with a string
/// `id`. The whole batch is checked before any message is handled, so an error means that no
/// handler ran.
pub fn process_batch(batch: &str) -> Result<BatchReport, BatchError> {
    let records = parse(batch)?;
    let mut report = BatchReport::default();
    for (id, body) in records {
        match process_message(body) {
            Ok((route, outcome)) => report.handled.push(Handled { id, route, outcome }),
            Err(reason) => report.failures.push(BatchItemFailure { id, reason }),
        }
    }
    Ok(report)
}

/// Calls the handler of `message`'s route with the message body: one arm per route of the route
/// files, so a route added to them without an arm here is a compile error.
///
/// # Errors
/// The handler's error.
pub fn dispatch(message: Message, body: &Value) -> Result<Outcome, HandlerError> {
    match message {
        Message::OrderCreated => handlers::order_created(body),
        Message::OrderCancelled => handlers::order_cancelled(body),
        Message::OrderStatusChanged => handlers::order_status_changed(body),
        Message::OrderAddressChanged => handlers::order_address_changed(body),
        Message::OrderUpdatedOther => handlers::order_updated_other(body),
        Message::UserSignup => handlers::user_signup(body),
        Message::UserSuspended => handlers::user_suspended(body),
        Message::UserDeleted => handlers::user_deleted(body),
        Message::PaymentReceived => handlers::payment_received(body),
        Message::RefundIssued => handlers::refund_issued(body),
    }
}

/// The records of a batch as `(id, body)`, a missing body as `None`.
fn parse(batch: &str) -> Result<Vec<(String, Option<Value>)>, BatchError> {
    let Value::Array(records) = serde_json::from_str(batch).map_err(BatchError::Json)? else {
        return Err(BatchError::NotAnArray);
    };
    records
        .into_iter()
        .enumerate()
        .map(|(index, record)| {
            let Value::Object(mut record) = record else {
                return Err(BatchError::Record {
                    index,
                    problem: "not a JSON object",
                });
            };
            let Some(Value::String(id)) = record.remove("id") else {
                return Err(BatchError::Record {
                    index,
                    problem: "no string `id`",
                });
            };
            Ok((id, record.remove("body")))
        })
        .collect()
}

/// Routes one message body and runs its handler: the route's name and the handler's outcome.
fn process_message(body: Option<Value>) -> Result<(&'static str, Outcome), FailureReason> {
    let body = match body {
        Some(body @ Value::Object(_)) => body,
        other => {
            return Err(FailureReason::NotAnObject {
                found: kind(other.as_ref()),
            });
        }
    };
    let message = messages::recognize(|key| body.get(key)?.as_str())?;
    dispatch(message, &body)
        .map(|outcome| (message.name(), outcome))
        .map_err(|error| FailureReason::Handler {
            route: message.name(),
            error,
        })
}

/// What a body that is not an object is, for [`FailureReason::NotAnObject`].
fn kind(value: Option<&Value>) -> &'static str {
    match value {
        None => "missing",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "a boolean",
        Some(Value::Number(_)) => "a number",
        Some(Value::String(_)) => "a string",
        Some(Value::Array(_)) => "an array",
        Some(Value::Object(_)) => "an object",
    }
}
