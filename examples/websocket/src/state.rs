//! Shared state: the chat rooms, presence counters and the [`Hub`] that fans channel events out
//! to the connections subscribed to them.
//!
//! Everything sits behind short-lived [`std::sync::Mutex`] locks that are never held across an
//! `.await` or while another of these locks is taken.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde_json::{Value, json};
use tokio::sync::mpsc;

/// How many pushes may wait for one connection; a connection that falls further behind misses
/// the pushes that do not fit (they are dropped for it, not for the others).
pub const PUSH_QUEUE: usize = 256;

/// How many messages each room keeps for `chat.history`.
pub const HISTORY_LIMIT: usize = 100;

/// Identifies one WebSocket connection in the [`Hub`].
pub type ConnId = u64;

/// Everything the handlers share.
#[derive(Debug, Default)]
pub struct State {
    /// Who is subscribed to which channel.
    pub hub: Hub,
    /// The rooms' messages, for `chat.history`.
    pub chat: Mutex<Chat>,
    /// How often each user called `presence.ping`.
    pub pings: Mutex<HashMap<String, u64>>,
}

impl State {
    /// Empty state: no rooms, no connections.
    pub fn new() -> Self {
        Self::default()
    }
}

/// The chat rooms: each room's last [`HISTORY_LIMIT`] messages.
#[derive(Debug, Default)]
pub struct Chat {
    rooms: HashMap<String, Room>,
}

#[derive(Debug, Default)]
struct Room {
    next_seq: u64,
    messages: Vec<ChatMessage>,
}

/// One message posted to a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    /// Its position in the room, from 1.
    pub seq: u64,
    /// Who posted it.
    pub user: String,
    /// What it says.
    pub text: String,
}

impl ChatMessage {
    /// The message as JSON: `{"seq", "user", "text"}`.
    pub fn to_json(&self) -> Value {
        json!({ "seq": self.seq, "user": self.user, "text": self.text })
    }
}

impl Chat {
    /// Appends a message to `room` (creating the room) and returns it with its sequence number.
    pub fn post(&mut self, room: &str, user: &str, text: &str) -> ChatMessage {
        let room = self.rooms.entry(room.to_owned()).or_default();
        room.next_seq += 1;
        let message = ChatMessage {
            seq: room.next_seq,
            user: user.to_owned(),
            text: text.to_owned(),
        };
        if room.messages.len() == HISTORY_LIMIT {
            room.messages.remove(0);
        }
        room.messages.push(message.clone());
        message
    }

    /// The last `limit` messages of `room`, oldest first (none for a room nobody posted to).
    pub fn history(&self, room: &str, limit: usize) -> &[ChatMessage] {
        let messages = self.rooms.get(room).map_or(&[][..], |r| &r.messages[..]);
        &messages[messages.len().saturating_sub(limit)..]
    }
}

/// The connections and their channel subscriptions.
///
/// Each connection registers an outgoing queue ([`connect`](Self::connect));
/// [`publish`](Self::publish) puts a push on the queue of every connection subscribed to the
/// channel, and the connection's task writes it to the socket.
#[derive(Debug, Default)]
pub struct Hub {
    inner: Mutex<HubInner>,
}

#[derive(Debug, Default)]
struct HubInner {
    next_id: ConnId,
    queues: HashMap<ConnId, mpsc::Sender<String>>,
    channels: HashMap<String, HashSet<ConnId>>,
}

impl Hub {
    /// Registers a connection: its id and the receiving end of its push queue.
    pub fn connect(&self) -> (ConnId, mpsc::Receiver<String>) {
        let (tx, rx) = mpsc::channel(PUSH_QUEUE);
        let mut inner = self.lock();
        inner.next_id += 1;
        let id = inner.next_id;
        inner.queues.insert(id, tx);
        (id, rx)
    }

    /// Forgets a connection and all its subscriptions.
    pub fn disconnect(&self, conn: ConnId) {
        let mut inner = self.lock();
        inner.queues.remove(&conn);
        inner.channels.retain(|_, subscribers| {
            subscribers.remove(&conn);
            !subscribers.is_empty()
        });
    }

    /// Subscribes `conn` to `channel`; `false` if it already was.
    pub fn subscribe(&self, conn: ConnId, channel: &str) -> bool {
        let mut inner = self.lock();
        inner
            .channels
            .entry(channel.to_owned())
            .or_default()
            .insert(conn)
    }

    /// Unsubscribes `conn` from `channel`; `false` if it was not subscribed.
    pub fn unsubscribe(&self, conn: ConnId, channel: &str) -> bool {
        let mut inner = self.lock();
        let Some(subscribers) = inner.channels.get_mut(channel) else {
            return false;
        };
        let removed = subscribers.remove(&conn);
        if subscribers.is_empty() {
            inner.channels.remove(channel);
        }
        removed
    }

    /// Sends `{"channel": channel, "event": event}` to every connection subscribed to
    /// `channel` and returns how many it was queued for.
    pub fn publish(&self, channel: &str, event: Value) -> usize {
        let push = json!({ "channel": channel, "event": event }).to_string();
        let inner = self.lock();
        let Some(subscribers) = inner.channels.get(channel) else {
            return 0;
        };
        let mut queued = 0;
        for conn in subscribers {
            let Some(queue) = inner.queues.get(conn) else {
                continue;
            };
            match queue.try_send(push.clone()) {
                Ok(()) => queued += 1,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    eprintln!("connection {conn} is {PUSH_QUEUE} pushes behind; dropped one");
                }
                // The connection is closing; `disconnect` will remove it.
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        }
        queued
    }

    fn lock(&self) -> MutexGuard<'_, HubInner> {
        lock(&self.inner)
    }
}

/// Locks `mutex`. No update of this state can be left half-done by a panic, so a poisoned lock
/// is used as is rather than taking every later request down with it.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
