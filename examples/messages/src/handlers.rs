//! The handlers named by the route files (`handler = "crate::handlers::..."`).
//!
//! Each takes the whole message body (a JSON object) and returns an [`Outcome`] naming what it
//! did with the message's fields, or a [`HandlerError`] when a field it needs is missing or
//! malformed; [`process_batch`](crate::process_batch) reports such a message as a failed item of
//! its batch. A real service would write to a database or call another service here.

use std::fmt;

use serde_json::Value;

/// What a handler did with one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The handler that ran: the last segment of its path in the route file (`order_created`).
    pub handler: &'static str,
    /// What it did, in one line, with the fields it read from the message.
    pub summary: String,
}

impl Outcome {
    fn new(handler: &'static str, summary: String) -> Self {
        Outcome { handler, summary }
    }
}

/// Why a handler rejected a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandlerError {
    /// The message has no such field.
    MissingField(&'static str),
    /// The field is there but is not what the handler needs.
    InvalidField {
        /// The field's name.
        field: &'static str,
        /// What the handler expected, as a phrase (`a positive integer`).
        expected: &'static str,
    },
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandlerError::MissingField(field) => write!(f, "missing field `{field}`"),
            HandlerError::InvalidField { field, expected } => {
                write!(f, "field `{field}` is not {expected}")
            }
        }
    }
}

impl std::error::Error for HandlerError {}

/// `type = "order.created"`: needs `order_id` and `total_cents`.
pub fn order_created(message: &Value) -> Result<Outcome, HandlerError> {
    let order = text(message, "order_id")?;
    let total = positive(message, "total_cents")?;
    Ok(Outcome::new(
        "order_created",
        format!("created order {order} for {total} cents"),
    ))
}

/// `type = "order.cancelled"`: needs `order_id`; `reason` is optional.
pub fn order_cancelled(message: &Value) -> Result<Outcome, HandlerError> {
    let order = text(message, "order_id")?;
    let reason = optional_text(message, "reason")?.unwrap_or("no reason given");
    Ok(Outcome::new(
        "order_cancelled",
        format!("cancelled order {order} ({reason})"),
    ))
}

/// `type = "order.updated", field = "status"`: the order's new status is `value`.
pub fn order_status_changed(message: &Value) -> Result<Outcome, HandlerError> {
    let order = text(message, "order_id")?;
    let status = text(message, "value")?;
    Ok(Outcome::new(
        "order_status_changed",
        format!("order {order} is now {status}"),
    ))
}

/// `type = "order.updated", field = "address"`: the order's new delivery address is `value`.
pub fn order_address_changed(message: &Value) -> Result<Outcome, HandlerError> {
    let order = text(message, "order_id")?;
    let address = text(message, "value")?;
    Ok(Outcome::new(
        "order_address_changed",
        format!("order {order} now ships to {address}"),
    ))
}

/// `type = "order.updated"` with any other `field`, or none (or not a string): the subrouter's
/// default. The update is acknowledged without acting on it, so it is not retried.
pub fn order_updated_other(message: &Value) -> Result<Outcome, HandlerError> {
    let order = text(message, "order_id")?;
    let summary = match message.get("field").and_then(Value::as_str) {
        Some(field) => format!("ignored an update of `{field}` on order {order}"),
        None => format!("ignored an update of order {order} that names no field"),
    };
    Ok(Outcome::new("order_updated_other", summary))
}

/// `type = "user.signup"`: needs `user_id` and an `email` with an `@`.
pub fn user_signup(message: &Value) -> Result<Outcome, HandlerError> {
    let user = text(message, "user_id")?;
    let email = text(message, "email")?;
    if !email.contains('@') {
        return Err(HandlerError::InvalidField {
            field: "email",
            expected: "an email address",
        });
    }
    Ok(Outcome::new(
        "user_signup",
        format!("sent a welcome email to {email} for user {user}"),
    ))
}

/// `type = "user.account", action = "suspend"`: needs `user_id`; `reason` is optional.
pub fn user_suspended(message: &Value) -> Result<Outcome, HandlerError> {
    let user = text(message, "user_id")?;
    let reason = optional_text(message, "reason")?.unwrap_or("no reason given");
    Ok(Outcome::new(
        "user_suspended",
        format!("suspended user {user} ({reason})"),
    ))
}

/// `type = "user.account", action = "delete"`: needs `user_id`.
pub fn user_deleted(message: &Value) -> Result<Outcome, HandlerError> {
    let user = text(message, "user_id")?;
    Ok(Outcome::new("user_deleted", format!("deleted user {user}")))
}

/// `type = "payment.received"` (billing.json): needs `payment_id` and `amount_cents`; `order_id`
/// is optional.
pub fn payment_received(message: &Value) -> Result<Outcome, HandlerError> {
    let payment = text(message, "payment_id")?;
    let amount = positive(message, "amount_cents")?;
    let summary = match optional_text(message, "order_id")? {
        Some(order) => format!("recorded payment {payment} of {amount} cents for order {order}"),
        None => format!("recorded payment {payment} of {amount} cents"),
    };
    Ok(Outcome::new("payment_received", summary))
}

/// `type = "refund.issued"` (billing.json): needs `payment_id` and `amount_cents`.
pub fn refund_issued(message: &Value) -> Result<Outcome, HandlerError> {
    let payment = text(message, "payment_id")?;
    let amount = positive(message, "amount_cents")?;
    Ok(Outcome::new(
        "refund_issued",
        format!("refunded {amount} cents of payment {payment}"),
    ))
}

/// The string field `field`, which must be there.
fn text<'v>(message: &'v Value, field: &'static str) -> Result<&'v str, HandlerError> {
    optional_text(message, field)?.ok_or(HandlerError::MissingField(field))
}

/// The string field `field`, if the message has it; an error if it has it but not as a string.
fn optional_text<'v>(
    message: &'v Value,
    field: &'static str,
) -> Result<Option<&'v str>, HandlerError> {
    match message.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(HandlerError::InvalidField {
            field,
            expected: "a string",
        }),
    }
}

/// The integer field `field`, which must be there and greater than zero.
fn positive(message: &Value, field: &'static str) -> Result<u64, HandlerError> {
    let value = message
        .get(field)
        .ok_or(HandlerError::MissingField(field))?;
    match value.as_u64() {
        Some(n) if n > 0 => Ok(n),
        _ => Err(HandlerError::InvalidField {
            field,
            expected: "a positive integer",
        }),
    }
}
