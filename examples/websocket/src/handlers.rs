//! The handlers the route files name (`handler = "crate::handlers::chat::send"`, ...).
//!
//! An action handler takes the request's `payload` and returns the reply's `ok` value or the
//! text of its `error`. A channel handler runs when a connection subscribes and may refuse the
//! subscription with an error.
//!
//! Channel names for publishing are built by the generated channel type itself
//! (`Channel::Room { room }.to_string()` is `rooms/<room>`), so they always match what
//! [`websocket::channel`](crate::ws_routes::websocket::channel) recognizes.

use serde_json::{Map, Value};

/// The longest room or user name the handlers accept, in bytes.
pub const MAX_NAME: usize = 64;

/// The longest chat message the handlers accept, in bytes.
pub const MAX_TEXT: usize = 2000;

/// The payload as an object, or the error for an action that needs one.
fn object(payload: &Value) -> Result<&Map<String, Value>, String> {
    payload
        .as_object()
        .ok_or_else(|| "`payload` must be an object".to_owned())
}

/// A required string field of the payload.
fn field<'v>(payload: &'v Map<String, Value>, key: &str) -> Result<&'v str, String> {
    match payload.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(format!("`{key}` must be a string")),
        None => Err(format!("`payload.{key}` is missing")),
    }
}

/// Checks a room or user name: it becomes one level of a channel name, so it is not empty and
/// has no `/`.
fn check_name(what: &str, name: &str) -> Result<(), String> {
    if name.is_empty() {
        Err(format!("{what} name must not be empty"))
    } else if name.contains('/') {
        Err(format!("{what} name `{name}` must not contain `/`"))
    } else if name.len() > MAX_NAME {
        Err(format!("{what} name is longer than {MAX_NAME} bytes"))
    } else {
        Ok(())
    }
}

/// Chat rooms: `chat.send`, `chat.history` and the `rooms/{room}` channel.
pub mod chat {
    use serde_json::{Value, json};

    use super::{MAX_TEXT, check_name, field, object};
    use crate::state::{State, lock};
    use crate::ws_routes::websocket::Channel;

    /// The number of messages `chat.history` returns when the request gives no `limit`.
    pub const DEFAULT_HISTORY: usize = 20;

    /// `chat.send {"room", "user", "text"}`: posts a message to a room.
    ///
    /// Pushes `{"type": "message", "seq", "user", "text"}` to `rooms/<room>`, and
    /// `{"type": "mention", "room", "seq", "from", "text"}` to `users/<name>/notifications` for
    /// each distinct `@name` in the text. Returns `{"room", "seq", "delivered", "mentioned"}`,
    /// `delivered` being the number of connections subscribed to the room.
    pub fn send(state: &State, payload: &Value) -> Result<Value, String> {
        let payload = object(payload)?;
        let room = field(payload, "room")?;
        let user = field(payload, "user")?;
        let text = field(payload, "text")?;
        check_name("room", room)?;
        check_name("user", user)?;
        if text.trim().is_empty() {
            return Err("`text` must not be empty".to_owned());
        }
        if text.len() > MAX_TEXT {
            return Err(format!("`text` is longer than {MAX_TEXT} bytes"));
        }

        let message = lock(&state.chat).post(room, user, text);
        let mut event = message.to_json();
        event["type"] = json!("message");
        let delivered = state
            .hub
            .publish(&Channel::Room { room }.to_string(), event);

        let mentioned = mentions(text);
        for name in &mentioned {
            let channel = Channel::Notifications { user: name }.to_string();
            let event = json!({
                "type": "mention",
                "room": room,
                "seq": message.seq,
                "from": user,
                "text": text,
            });
            state.hub.publish(&channel, event);
        }
        Ok(json!({
            "room": room,
            "seq": message.seq,
            "delivered": delivered,
            "mentioned": mentioned,
        }))
    }

    /// `chat.history {"room", "limit"?}`: the room's last `limit` messages (default
    /// [`DEFAULT_HISTORY`]), oldest first, as `{"room", "messages": [{"seq", "user", "text"}]}`.
    pub fn history(state: &State, payload: &Value) -> Result<Value, String> {
        let payload = object(payload)?;
        let room = field(payload, "room")?;
        check_name("room", room)?;
        let limit = match payload.get("limit") {
            None => DEFAULT_HISTORY,
            Some(limit) => limit
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| "`limit` must be a non-negative integer".to_owned())?,
        };
        let chat = lock(&state.chat);
        let messages: Vec<Value> = chat
            .history(room, limit)
            .iter()
            .map(|m| m.to_json())
            .collect();
        Ok(json!({ "room": room, "messages": messages }))
    }

    /// The `rooms/{room}` channel: any non-empty room name without `/` may be subscribed to
    /// (rooms exist once someone posts).
    pub fn room(_state: &State, room: &str) -> Result<(), String> {
        check_name("room", room)
    }

    /// The distinct names mentioned as `@name` in `text`, in order of first mention. A name is
    /// the letters, digits, `_`, `-` and `.` after an `@` that does not follow a letter or digit,
    /// without a trailing `.`.
    pub fn mentions(text: &str) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for (at, _) in text.match_indices('@') {
            // `mail@example.org` is not a mention.
            if text[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            let rest = &text[at + 1..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
                .unwrap_or(rest.len());
            let name = rest[..end].trim_end_matches('.');
            if check_name("user", name).is_ok() && !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}

/// Presence: `presence.ping` and the `users/{user}/notifications` channel.
pub mod presence {
    use serde_json::{Value, json};

    use super::{check_name, field, object};
    use crate::state::{State, lock};

    /// `presence.ping {"user"}`: counts the user's pings; returns `{"user", "pong": true,
    /// "pings"}`.
    pub fn ping(state: &State, payload: &Value) -> Result<Value, String> {
        let user = field(object(payload)?, "user")?;
        check_name("user", user)?;
        let mut pings = lock(&state.pings);
        let count = pings.entry(user.to_owned()).or_insert(0);
        *count += 1;
        Ok(json!({ "user": user, "pong": true, "pings": *count }))
    }

    /// The `users/{user}/notifications` channel: mentions of `user` in any room.
    pub fn notifications(_state: &State, user: &str) -> Result<(), String> {
        check_name("user", user)
    }
}

#[cfg(test)]
mod tests {
    use super::chat::mentions;

    #[test]
    fn mentions_are_distinct_names_after_at() {
        assert_eq!(
            mentions("hi @bob, @carol. and @bob again; mail@x.org @ @/x"),
            ["bob", "carol"]
        );
        assert!(mentions("no mentions").is_empty());
    }
}
