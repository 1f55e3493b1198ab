//! The routers generated for MQTT topics, messages and WebSocket routes (`transports/`), and
//! the plugins mounted from `plugins/`: matching rules, subscriptions, resolution order,
//! introspection and reverse routing.

use routegen::{Method, QoS};
use routegen_e2e::transports::{self, messages, mqtt, websocket};

#[test]
fn mqtt_literals_beat_params_which_beat_tails() {
    use mqtt::Topic;
    assert_eq!(
        mqtt::recognize("devices/d1/telemetry/temp"),
        Some(Topic::Telemetry {
            device_id: "d1",
            sensor: "temp"
        })
    );
    assert_eq!(
        mqtt::recognize("devices/d1/telemetry/battery"),
        Some(Topic::TelemetryBattery { device_id: "d1" })
    );
    assert_eq!(
        mqtt::recognize("devices/d1/status"),
        Some(Topic::DeviceStatus { device_id: "d1" })
    );
    // `devices/...` has no literal route for `lamps`: backtracks to the `{kind}` route.
    assert_eq!(
        mqtt::recognize("lamps/l7/status"),
        Some(Topic::AnyStatus {
            kind: "lamps",
            id: "l7"
        })
    );
    assert_eq!(mqtt::recognize("devices/d1/telemetry"), None);
    assert_eq!(mqtt::recognize("devices/d1/telemetry/temp/extra"), None);
    assert_eq!(mqtt::recognize("unknown"), None);
}

#[test]
fn mqtt_tail_matches_its_parent_level_like_hash() {
    use mqtt::Topic;
    assert_eq!(
        mqtt::recognize("alerts/fire/floor/2"),
        Some(Topic::Alerts {
            rest: "fire/floor/2"
        })
    );
    assert_eq!(mqtt::recognize("alerts/"), Some(Topic::Alerts { rest: "" }));
    assert_eq!(mqtt::recognize("alerts"), Some(Topic::Alerts { rest: "" }));
    assert_eq!(
        mqtt::recognize("devices/d9/events/boot/ok"),
        Some(Topic::DeviceEvents {
            device_id: "d9",
            rest: "boot/ok"
        })
    );
    assert_eq!(
        mqtt::recognize("devices/d9/events"),
        Some(Topic::DeviceEvents {
            device_id: "d9",
            rest: ""
        })
    );
}

#[test]
fn mqtt_empty_levels_are_levels() {
    use mqtt::Topic;
    assert_eq!(
        mqtt::recognize("lab//x/"),
        Some(Topic::EmptyLevels { x: "x" })
    );
    // A param matches an empty level, as `+` does.
    assert_eq!(
        mqtt::recognize("lab///"),
        Some(Topic::EmptyLevels { x: "" })
    );
    assert_eq!(
        mqtt::recognize("devices//status"),
        Some(Topic::DeviceStatus { device_id: "" })
    );
    assert_eq!(mqtt::recognize("lab/x/"), None);
}

#[test]
fn mqtt_dollar_topics_need_a_literal_first_level() {
    use mqtt::Topic;
    assert_eq!(
        mqtt::recognize("$SYS/broker/uptime"),
        Some(Topic::SysUptime)
    );
    // `{kind}/{id}/status` would match, but a wildcard never matches a leading `$` level.
    assert_eq!(mqtt::recognize("$SYS/x/status"), None);
    // Below the first level, `$` is ordinary text.
    assert_eq!(
        mqtt::recognize("devices/$d/status"),
        Some(Topic::DeviceStatus { device_id: "$d" })
    );
}

#[test]
fn mqtt_subscriptions_merge_covered_filters() {
    let subscriptions: Vec<(&str, u8, Option<&str>)> = mqtt::SUBSCRIPTIONS
        .iter()
        .map(|s| (s.filter(), s.qos().level(), s.group()))
        .collect();
    // `transports/mqtt/debug.toml` is compiled in with debug assertions: its `debug/#`
    // filter appears, and its `alerts/raw` route (QoS 1) raises the `alerts/#` filter covering it.
    let debug = cfg!(debug_assertions);
    let mut expected = vec![
        ("$SYS/broker/uptime", 0, None),
        // Covers devices/+/status (QoS 0): listed once, at the higher QoS.
        ("+/+/status", 2, None),
        ("alerts/#", if debug { 1 } else { 0 }, None),
    ];
    if debug {
        expected.push(("debug/#", 2, None));
    }
    expected.extend([
        // Covers devices/+/telemetry/battery (QoS 2), so takes QoS 2.
        ("devices/+/telemetry/+", 2, None),
        ("lab//+/", 0, None),
        ("$share/workers/devices/+/events/#", 1, Some("workers")),
    ]);
    assert_eq!(subscriptions, expected);
}

#[test]
fn conditional_topics_messages_and_actions() {
    use messages::Message;
    use mqtt::Topic;
    #[cfg(debug_assertions)]
    {
        assert_eq!(
            mqtt::recognize("debug/a/b"),
            Some(Topic::DebugTrace { rest: "a/b" })
        );
        assert_eq!(mqtt::recognize("alerts/raw"), Some(Topic::RawAlert));
        assert_eq!(
            route(&[("type", "create"), ("entity", "debug")]),
            Ok(Message::CreateDebug)
        );
        assert_eq!(
            websocket::action("debug.dump"),
            Some(websocket::Action::DebugDump)
        );
    }
    #[cfg(not(debug_assertions))]
    {
        assert_eq!(mqtt::recognize("debug/a/b"), None);
        assert_eq!(
            mqtt::recognize("alerts/raw"),
            Some(Topic::Alerts { rest: "raw" })
        );
        assert_eq!(
            route(&[("type", "create"), ("entity", "debug")]),
            Ok(Message::CreateOther)
        );
        assert_eq!(websocket::action("debug.dump"), None);
    }
    // `delete_other` (feature `debug-routes`) is the `delete` subrouter's default when compiled
    // in; without it, the app's default takes over.
    #[cfg(feature = "debug-routes")]
    assert_eq!(
        route(&[("type", "delete"), ("entity", "invoice")]),
        Ok(Message::DeleteOther)
    );
    #[cfg(not(feature = "debug-routes"))]
    assert_eq!(
        route(&[("type", "delete"), ("entity", "invoice")]),
        Ok(Message::Fallback)
    );
    #[cfg(feature = "debug-routes")]
    assert_eq!(
        websocket::channel("debug/x"),
        Some(websocket::Channel::DebugChannel { x: "x" })
    );
    #[cfg(not(feature = "debug-routes"))]
    assert_eq!(websocket::channel("debug/x"), None);
    // Every listed route's index() points back at it.
    for info in &mqtt::ROUTES {
        let topic = mqtt::recognize(match info.name() {
            "telemetry" => "devices/d/telemetry/t",
            "telemetry_battery" => "devices/d/telemetry/battery",
            "device_status" => "devices/d/status",
            "device_events" => "devices/d/events/x",
            "any_status" => "k/i/status",
            "alerts" => "alerts/x",
            "empty_levels" => "lab//x/",
            "sys_uptime" => "$SYS/broker/uptime",
            "debug_trace" => "debug/x",
            "raw_alert" => "alerts/raw",
            other => panic!("no topic for {other}"),
        })
        .unwrap();
        assert_eq!(mqtt::ROUTES.get(topic.index()).unwrap().name(), info.name());
    }
}

#[test]
fn mqtt_introspection_and_reverse_routing() {
    let topic = mqtt::recognize("devices/d1/telemetry/temp").unwrap();
    assert_eq!(topic.name(), "telemetry");
    assert_eq!(topic.qos(), QoS::AtLeastOnce);
    assert_eq!(
        topic.info().pattern(),
        "devices/{device_id}/telemetry/{sensor}"
    );
    assert_eq!(topic.info().file(), "transports/mqtt/devices.toml");
    assert_eq!(
        topic.params().collect::<Vec<_>>(),
        [("device_id", "d1"), ("sensor", "temp")]
    );
    assert_eq!(topic.to_string(), "devices/d1/telemetry/temp");
    assert_eq!(
        mqtt::Topic::DeviceEvents {
            device_id: "d2",
            rest: "a/b"
        }
        .to_string(),
        "devices/d2/events/a/b"
    );
    assert_eq!(
        mqtt::recognize("devices/d1/telemetry/battery")
            .unwrap()
            .qos(),
        QoS::ExactlyOnce
    );
    assert_eq!(
        mqtt::ROUTES.len(),
        if cfg!(debug_assertions) { 10 } else { 8 }
    );
    assert_eq!(
        transports::handlers_telemetry_ok(),
        "d1:temp",
        "the route's handler is callable"
    );
}

/// A message as a list of fields, standing in for a JSON object.
fn fields<'m>(message: &'m [(&'m str, &'m str)]) -> impl FnMut(&str) -> Option<&'m str> {
    move |key| message.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

fn route<'m>(
    message: &'m [(&'m str, &'m str)],
) -> Result<messages::Message, routegen::Unmatched<'m>> {
    messages::recognize(fields(message))
}

#[test]
fn messages_route_by_type_then_by_a_second_key() {
    use messages::Message;
    assert_eq!(route(&[("type", "ping")]), Ok(Message::Ping));
    assert_eq!(route(&[("type", "audit")]), Ok(Message::AuditLog));
    assert_eq!(
        route(&[("type", "create"), ("entity", "user")]),
        Ok(Message::CreateUser)
    );
    assert_eq!(
        route(&[("entity", "order"), ("type", "create")]),
        Ok(Message::CreateOrder)
    );
    assert_eq!(
        route(&[("type", "delete"), ("entity", "order"), ("reason", "fraud")]),
        Ok(Message::DeleteOrderFraud)
    );
}

#[test]
fn messages_fall_back_to_the_nearest_default() {
    use messages::Message;
    // The subrouter's own default.
    assert_eq!(
        route(&[("type", "create"), ("entity", "invoice")]),
        Ok(Message::CreateOther)
    );
    assert_eq!(route(&[("type", "create")]), Ok(Message::CreateOther));
    // The `delete/order` subrouter has no default: the nearest enclosing one's (`delete`'s when
    // compiled in, else the app's).
    assert_eq!(
        route(&[("type", "delete"), ("entity", "order"), ("reason", "typo")]).map(|m| m.name()),
        Ok(if cfg!(feature = "debug-routes") {
            "delete_other"
        } else {
            "fallback"
        })
    );
    assert_eq!(route(&[("type", "unknown")]), Ok(Message::Fallback));
    assert_eq!(route(&[]), Ok(Message::Fallback));
    assert_eq!(route(&[("type", "")]), Ok(Message::Fallback));
}

#[test]
fn messages_introspection() {
    let message = messages::recognize(fields(&[("type", "create"), ("entity", "user")])).unwrap();
    assert_eq!(message.name(), "create_user");
    assert_eq!(
        message.info().pattern(),
        r#"type = "create", entity = "user""#
    );
    let default = messages::recognize(fields(&[("type", "create")])).unwrap();
    assert_eq!(default.info().pattern(), r#"type = "create", entity = *"#);
    let conditional =
        usize::from(cfg!(debug_assertions)) + usize::from(cfg!(feature = "debug-routes"));
    assert_eq!(messages::ROUTES.len(), 8 + conditional);
    assert_eq!(
        messages::ROUTES
            .iter()
            .find(|r| r.name() == "audit_log")
            .unwrap()
            .file(),
        "transports/audit.json"
    );
}

#[test]
fn websocket_actions_and_channels() {
    use websocket::{Action, Channel};
    assert_eq!(websocket::action("chat.send"), Some(Action::SendMessage));
    assert_eq!(websocket::action("chat.history"), Some(Action::History));
    assert_eq!(
        websocket::action("presence.ping"),
        Some(Action::PresencePing)
    );
    assert_eq!(websocket::action("chat.sen"), None);
    assert_eq!(websocket::action(""), None);
    assert_eq!(
        websocket::channel("rooms/lobby"),
        Some(Channel::Room { room: "lobby" })
    );
    assert_eq!(
        websocket::channel("rooms/lobby/threads/7"),
        Some(Channel::RoomAll {
            rest: "lobby/threads/7"
        })
    );
    assert_eq!(
        websocket::channel("users/ann/notifications"),
        Some(Channel::UserNotifications { user: "ann" })
    );
    assert_eq!(websocket::channel("users/ann"), None);
    assert_eq!(websocket::Action::SendMessage.name(), "send_message");
    assert_eq!(
        websocket::Channel::Room { room: "x" }.to_string(),
        "rooms/x"
    );
    // Actions and channels share one ROUTES table (with the conditional ones compiled in).
    let names: Vec<&str> = websocket::ROUTES.iter().map(|r| r.name()).collect();
    let mut expected = vec!["send_message", "history", "room", "room_all"];
    if cfg!(debug_assertions) {
        expected.push("debug_dump");
    }
    if cfg!(feature = "debug-routes") {
        expected.push("debug_channel");
    }
    expected.extend(["presence_ping", "user_notifications"]);
    assert_eq!(names, expected);
    assert_eq!(
        websocket::ROUTES
            .get(websocket::Action::PresencePing.index())
            .unwrap()
            .name(),
        "presence_ping"
    );
}

#[test]
fn plugins_are_mounted_one_prefix_each() {
    use transports::Route;
    assert_eq!(
        transports::recognize(Method::POST, "/plugins/auth/login"),
        Ok(Route::PluginAuthLogin)
    );
    assert_eq!(
        transports::recognize(Method::GET, "/plugins/billing/invoices/7"),
        Ok(Route::PluginBillingInvoice { id: "7" })
    );
    let invoice = Route::PluginBillingInvoice { id: "7" }.info();
    assert_eq!(invoice.pattern(), "/plugins/billing/invoices/{id}");
    assert_eq!(invoice.file(), "plugins/billing/invoices.json");
}

#[test]
fn conditional_routes_follow_the_build_cfg() {
    use transports::Route;
    // With debug assertions (as tests usually build), the debug route is in and its release
    // twin is out; a release build has it the other way round.
    #[cfg(debug_assertions)]
    {
        assert_eq!(
            transports::recognize(Method::GET, "/debug/routes"),
            Ok(Route::DebugRoutes)
        );
        assert_eq!(
            transports::recognize(Method::GET, "/debug/items/3"),
            Ok(Route::DebugItem { id: "3" })
        );
        #[cfg(unix)]
        assert_eq!(
            transports::recognize(Method::GET, "/debug/items/3/trace"),
            Ok(Route::DebugItemTrace { id: "3" })
        );
    }
    #[cfg(not(debug_assertions))]
    {
        assert_eq!(
            transports::recognize(Method::GET, "/debug/routes"),
            Ok(Route::ReleaseRoutes)
        );
        assert_eq!(
            transports::recognize(Method::GET, "/debug/items/3"),
            Err(routegen::MatchError::NotFound)
        );
    }
    // ROUTES lists the routes compiled in, and each route's index() follows.
    let names: Vec<&str> = transports::ROUTES.iter().map(|r| r.name()).collect();
    assert_eq!(names.contains(&"debug_routes"), cfg!(debug_assertions));
    assert_eq!(names.contains(&"release_routes"), !cfg!(debug_assertions));
    #[cfg(not(feature = "debug-routes"))]
    {
        assert_eq!(
            transports::recognize(Method::GET, "/debug/never/x"),
            Err(routegen::MatchError::NotFound)
        );
        assert!(!names.contains(&"never"));
    }
    #[cfg(feature = "debug-routes")]
    assert_eq!(
        transports::recognize(Method::GET, "/debug/never/x"),
        Ok(Route::Never { x: "x" })
    );
    for path in [
        "/debug/routes",
        "/debug/items/3",
        "/debug/items/3/trace",
        "/debug/health",
        "/plugins/billing/invoices/1",
    ] {
        let Ok(route) = transports::recognize(Method::GET, path) else {
            // Only a release build compiles the debug routes out.
            #[cfg(debug_assertions)]
            panic!("{path} is not found");
            #[cfg(not(debug_assertions))]
            continue;
        };
        assert_eq!(
            transports::ROUTES.get(route.index()).unwrap().name(),
            route.name(),
            "{path}"
        );
    }
    assert_eq!(
        transports::recognize(Method::GET, "/debug/health")
            .unwrap()
            .name(),
        "debug_health"
    );
}

#[test]
fn an_empty_route_set_finds_nothing() {
    use routegen_e2e::empty;
    assert_eq!(empty::ROUTES.len(), 0);
    assert_eq!(
        empty::recognize(Method::GET, "/"),
        Err(routegen::MatchError::NotFound)
    );
}
