//! Types of the generated routers for transports other than HTTP: MQTT's QoS and
//! subscriptions, and the error of a message router.

use core::fmt;

/// An MQTT quality-of-service level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QoS {
    /// QoS 0: at most once.
    AtMostOnce = 0,
    /// QoS 1: at least once.
    AtLeastOnce = 1,
    /// QoS 2: exactly once.
    ExactlyOnce = 2,
}

impl QoS {
    /// The level as MQTT writes it: 0, 1 or 2.
    pub const fn level(self) -> u8 {
        self as u8
    }

    /// The higher of two levels, in constant context: generated `SUBSCRIPTIONS` raise a
    /// filter's QoS when a conditional route it serves is compiled in.
    #[doc(hidden)]
    pub const fn __max(self, other: QoS) -> QoS {
        if other as u8 > self as u8 {
            other
        } else {
            self
        }
    }
}

impl fmt::Display for QoS {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QoS {}", self.level())
    }
}

/// A topic filter an MQTT router subscribes to, from the generated `SUBSCRIPTIONS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Subscription {
    filter: &'static str,
    qos: QoS,
    group: Option<&'static str>,
}

impl Subscription {
    #[doc(hidden)]
    pub const fn __new(filter: &'static str, qos: QoS, group: Option<&'static str>) -> Self {
        Subscription { filter, qos, group }
    }

    /// The filter to subscribe with: `devices/+/telemetry/+`, `alerts/#`, or
    /// `$share/workers/jobs/+` for a shared subscription.
    pub const fn filter(&self) -> &'static str {
        self.filter
    }

    /// The QoS to subscribe with: the highest of the routes the filter serves.
    pub const fn qos(&self) -> QoS {
        self.qos
    }

    /// The shared-subscription group, if the routes are `shared`.
    pub const fn group(&self) -> Option<&'static str> {
        self.group
    }
}

/// A message that no route and no default of a message router takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Unmatched<'m> {
    /// The field the last router reached read.
    pub key: &'static str,
    /// Its value, or `None` when the message has no such string field.
    pub value: Option<&'m str>,
}

impl fmt::Display for Unmatched<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.value {
            Some(value) => write!(f, "no route for {} = {value:?}", self.key),
            None => write!(
                f,
                "no route: the message has no string field {:?}",
                self.key
            ),
        }
    }
}

impl core::error::Error for Unmatched<'_> {}
