//! Route files of every transport and every kind of source, through the public `Builder`: the
//! build errors users see (each at `file:line:col`), and what the sources feed the generator.

mod common;

use common::{lines, temp_dir, write};

use std::path::Path;

use routegen_codegen::{Builder, RouteSource, RouteText, SourceError, Transport};

fn errors_of(files: &[(&str, &str)]) -> Vec<String> {
    let mut builder = Builder::new();
    for (name, text) in files {
        builder = builder.route_source(*name, *text);
    }
    lines(&builder.generate().expect_err("the routes are invalid"))
}

#[test]
fn mqtt_wildcards_written_where_a_param_is_meant() {
    let errors = errors_of(&[(
        "routes/mqtt.toml",
        r#"transport = "mqtt"
[[route]]
name = "telemetry"
topic = "devices/+/telemetry/#"

[[route]]
name = "tail"
topic = "alerts/#"

[[route]]
name = "affix"
topic = "lamps/lamp-{id}"

[[route]]
name = "bad_qos"
topic = "x"
qos = 3
shared = "a/b"
"#,
    )]);
    assert_eq!(
        errors,
        [
            "routes/mqtt.toml:4:18: MQTT wildcard `+` in a route pattern",
            "routes/mqtt.toml:4:30: MQTT wildcard `#` in a route pattern",
            "routes/mqtt.toml:8:17: MQTT wildcard `#` in a route pattern",
            "routes/mqtt.toml:12:21: parameter `id` shares its level with text",
            "routes/mqtt.toml:17:7: QoS 3 does not exist",
            "routes/mqtt.toml:18:10: invalid shared-subscription group `a/b`",
        ]
    );
}

#[test]
fn mqtt_same_shape_topics_conflict_across_files() {
    let errors = errors_of(&[
        (
            "routes/a.toml",
            "transport = \"mqtt\"\n[[route]]\nname = \"a\"\ntopic = \"d/{id}/s\"\n",
        ),
        (
            "routes/b.toml",
            "transport = \"mqtt\"\nprefix = \"d\"\n[[route]]\nname = \"b\"\ntopic = \"{x}/s\"\n",
        ),
    ]);
    assert_eq!(
        errors,
        ["routes/b.toml:5:9: route `b` conflicts with route `a`"]
    );
}

#[test]
fn duplicate_discriminator_values_name_both_places() {
    let errors = errors_of(&[
        (
            "routes/orders.toml",
            r#"transport = "message"
[[route]]
name = "ping"
value = "ping"

[[group]]
value = "create"
key = "entity"
  [[group.route]]
  name = "create_user"
  value = "user"
  [[group.route]]
  name = "create_user_again"
  value = "user"
  [[group.route]]
  name = "d1"
  default = true
  [[group.route]]
  name = "d2"
  default = true
"#,
        ),
        (
            "routes/more.toml",
            "transport = \"message\"\n[[route]]\nname = \"create\"\nvalue = \"create\"\n[[route]]\nname = \"pong\"\nvalue = \"ping\"\n",
        ),
    ]);
    assert_eq!(
        errors,
        [
            "routes/orders.toml:14:11: value \"user\" is registered twice in one message router",
            "routes/orders.toml:20:13: a message router has two defaults",
            "routes/more.toml:4:9: value \"create\" is registered twice in one message router",
            "routes/more.toml:7:9: value \"ping\" is registered twice in one message router",
        ]
    );
    // The rendered diagnostic shows both places.
    let rendered = Builder::new()
        .route_source(
            "routes/x.toml",
            "transport = \"message\"\n[[route]]\nname = \"a\"\nvalue = \"v\"\n[[route]]\nname = \"b\"\nvalue = \"v\"\n",
        )
        .generate()
        .unwrap_err()
        .to_string();
    assert!(rendered.contains("first taken by this route"), "{rendered}");
    assert!(rendered.contains("this route takes it again"), "{rendered}");
}

#[test]
fn message_files_agree_on_the_root_key() {
    let errors = errors_of(&[
        (
            "routes/a.toml",
            "transport = \"message\"\nkey = \"kind\"\n[[route]]\nname = \"a\"\nvalue = \"a\"\n",
        ),
        (
            "routes/b.toml",
            "transport = \"message\"\n[[route]]\nname = \"b\"\nvalue = \"b\"\n[[route]]\nname = \"c\"\n",
        ),
    ]);
    assert_eq!(
        errors,
        [
            "routes/b.toml:1:13: message files disagree on the root key: `kind` and `type`",
            "routes/b.toml:5:1: message route has no `value` and is not the `default`",
        ]
    );
}

#[test]
fn an_action_defined_in_two_files() {
    let errors = errors_of(&[
        (
            "routes/chat.toml",
            "transport = \"websocket\"\n[[route]]\nname = \"send\"\naction = \"chat.send\"\n",
        ),
        (
            "routes/other.toml",
            "transport = \"websocket\"\n[[route]]\nname = \"send2\"\naction = \"chat.send\"\n[[route]]\nname = \"both\"\naction = \"x\"\nchannel = \"x\"\n",
        ),
    ]);
    assert_eq!(
        errors,
        [
            "routes/other.toml:4:10: action `chat.send` is defined twice",
            "routes/other.toml:8:11: a route is an action or a channel, not both",
        ]
    );
}

#[test]
fn names_are_unique_across_transports_and_keys_belong_to_their_transport() {
    let errors = errors_of(&[
        (
            "routes/http.toml",
            "[[route]]\nname = \"status\"\npath = \"/status\"\ntopic = \"x\"\n",
        ),
        (
            "routes/mqtt.toml",
            "transport = \"mqtt\"\n[[route]]\nname = \"status\"\ntopic = \"status\"\nmethod = \"GET\"\n",
        ),
        ("routes/bad.toml", "transport = \"smtp\"\n"),
    ]);
    assert_eq!(
        errors,
        [
            "routes/http.toml:4:1: unknown key `topic` in route",
            "routes/mqtt.toml:3:8: duplicate route name `status`",
            "routes/mqtt.toml:5:1: unknown key `method` in route",
            "routes/bad.toml:1:13: unknown transport `smtp`",
        ]
    );
}

#[test]
fn json_route_files_are_located_like_toml_ones() {
    let errors = errors_of(&[
        (
            "routes/a.json",
            "{\n  \"route\": [\n    { \"name\": \"a\", \"path\": \"/a\", \"methd\": \"GET\" },\n    { \"name\": 5, \"path\": \"/b\" }\n  ]\n}\n",
        ),
        (
            "routes/broken.json",
            "{\n  \"route\": [\n    { \"name\": \"x\", }\n  ]\n}\n",
        ),
    ]);
    assert_eq!(
        errors,
        [
            "routes/a.json:3:34: unknown key `methd` in route",
            "routes/a.json:4:15: `name` must be a string, found integer",
            "routes/broken.json:3:18: invalid JSON: trailing commas are not allowed in JSON",
        ]
    );
}

/// A programmatic source: routes for a list of tables, or a failure at a place in its file.
struct TableSource {
    tables: Vec<&'static str>,
    fail_at: Option<(&'static str, usize, usize)>,
}

impl RouteSource for TableSource {
    fn describe(&self) -> String {
        "table list".into()
    }

    fn load(&self, _base: &Path) -> Result<Vec<RouteText>, SourceError> {
        if let Some((file, line, column)) = self.fail_at {
            return Err(SourceError::new("expected a table name").at(file, line, column));
        }
        let mut toml = String::new();
        for table in &self.tables {
            toml += &format!("[[route]]\nname = \"{table}_list\"\npath = \"/{table}\"\n");
        }
        Ok(vec![
            RouteText::toml("tables.toml", toml).mount("/db"),
            RouteText::json(
                "topics.json",
                r#"{"route": [{"name": "table_changed", "topic": "tables/{table}/changed"}]}"#,
            )
            .transport(Transport::Mqtt),
        ])
    }
}

#[test]
fn a_route_source_feeds_the_same_validation() {
    let generated = Builder::new()
        .source(TableSource {
            tables: vec!["users", "orders"],
            fail_at: None,
        })
        .generate()
        .unwrap();
    assert_eq!(generated.route_count, 3);
    assert!(generated.code.contains("\"/db/users\""));
    assert!(generated.code.contains("\"tables/+/changed\""));

    // Its routes conflict with the others like any route file's.
    let errors = Builder::new()
        .route_source(
            "routes/a.toml",
            "[[route]]\nname = \"users_list\"\npath = \"/x\"\n",
        )
        .source(TableSource {
            tables: vec!["users"],
            fail_at: None,
        })
        .generate()
        .unwrap_err();
    assert_eq!(
        lines(&errors),
        ["routes/a.toml:2:8: duplicate route name `users_list`"]
    );
}

#[test]
fn a_route_source_that_fails_to_load_is_a_located_build_error() {
    let base = temp_dir("tr-source");
    write(&base, "tables.txt", "users\norders\n!bad\n");
    write(
        &base,
        "routes/ok.toml",
        "[[route]]\nname = \"ok\"\npath = \"/ok\"\n",
    );
    write(&base, "routes/bad.toml", "[[route]]\nname = \"bad\"\n");
    let errors = Builder::new()
        .base_dir(&base)
        .route_dir("routes")
        .source(TableSource {
            tables: vec![],
            fail_at: Some(("tables.txt", 3, 1)),
        })
        .generate()
        .unwrap_err();
    // The failing source and the other files' errors, in one build.
    assert_eq!(
        lines(&errors),
        [
            "routes/bad.toml:1:1: route is missing required key `path`",
            "tables.txt:3:1: route source `table list` failed to load: expected a table name",
        ]
    );
    assert!(errors.to_string().contains("!bad"), "{errors}");
}

#[test]
fn directories_mount_and_default_their_transport() {
    let base = temp_dir("tr-mount");
    write(
        &base,
        "admin/users.toml",
        "[[route]]\nname = \"users\"\npath = \"/users\"\n",
    );
    write(
        &base,
        "plugins/auth.toml",
        "[[route]]\nname = \"login\"\npath = \"/login\"\n",
    );
    write(
        &base,
        "plugins/billing/a.json",
        r#"{"route": [{"name": "invoice", "path": "/invoice/{id}"}]}"#,
    );
    write(
        &base,
        "topics/t.toml",
        "[[route]]\nname = \"t\"\ntopic = \"a/{b}\"\n",
    );
    let generated = Builder::new()
        .base_dir(&base)
        .mount("/admin", "admin")
        .mount_each("/plugins", "plugins")
        .transport_dir(Transport::Mqtt, "topics")
        .generate()
        .unwrap();
    // The patterns are in the text of `ROUTE_TABLE`, one after another; the MQTT filter is a
    // string of its own in `SUBSCRIPTIONS`.
    for pattern in [
        "/admin/users",
        "/plugins/auth/login",
        "/plugins/billing/invoice/{id}",
        "\"a/+\"",
    ] {
        assert!(generated.code.contains(pattern), "{pattern} missing");
    }

    write(&base, "topics/wrong.toml", "transport = \"http\"\n");
    let errors = Builder::new()
        .base_dir(&base)
        .transport_dir(Transport::Mqtt, "topics")
        .mount("admin", "admin")
        .generate()
        .unwrap_err();
    assert_eq!(
        lines(&errors),
        [
            "mount prefix `admin` of `admin` must start with `/` and not end with one",
            "topics/wrong.toml:1:13: this file routes `http` but its directory holds `mqtt` routes",
        ]
    );
}

#[test]
fn transport_output_is_deterministic_and_warning_free_by_construction() {
    let files = [
        (
            "routes/m.toml",
            "transport = \"message\"\n[[route]]\nname = \"a\"\nvalue = \"a\"\n[[route]]\nname = \"d\"\ndefault = true\n",
        ),
        (
            "routes/q.toml",
            "transport = \"mqtt\"\n[[route]]\nname = \"q\"\ntopic = \"x/{y}/{*z}\"\n",
        ),
        (
            "routes/w.toml",
            "transport = \"websocket\"\n[[route]]\nname = \"w\"\naction = \"go\"\n",
        ),
    ];
    let generate = |order: &[usize]| {
        let mut builder = Builder::new();
        for &i in order {
            builder = builder.route_source(files[i].0, files[i].1);
        }
        builder.generate().unwrap().code
    };
    let code = generate(&[0, 1, 2]);
    // Only the transports with routes get a module; no HTTP items without HTTP routes.
    assert!(code.contains("pub mod mqtt"));
    assert!(code.contains("pub mod messages"));
    assert!(code.contains("pub mod websocket"));
    assert!(!code.contains("pub fn recognize<'p>(\n    method"));
    assert!(
        !code.contains("pub enum Channel"),
        "no channels, no Channel enum"
    );
    assert_eq!(code, generate(&[0, 1, 2]));
}

#[test]
fn conditional_routes_conflict_unless_their_cfgs_exclude_each_other() {
    let errors = errors_of(&[
        (
            "routes/a.toml",
            r#"[[route]]
name = "dev"
cfg = 'feature = "dev"'
path = "/x"

[[route]]
name = "prod"
cfg = 'not(feature = "dev")'
path = "/x"

[[route]]
name = "debug"
cfg = "debug_assertions"
path = "/x"

[[route]]
name = "broken"
cfg = "feature = "
path = "/y"
"#,
        ),
        (
            "routes/t.toml",
            "transport = \"mqtt\"\ncfg = \"unix\"\n[[route]]\nname = \"t\"\ntopic = \"t/{x}\"\n[[route]]\nname = \"u\"\ncfg = \"not(unix)\"\ntopic = \"t/{y}\"\n[[route]]\nname = \"v\"\ntopic = \"t/{z}\"\n",
        ),
        (
            "routes/m.toml",
            "transport = \"message\"\n[[route]]\nname = \"m1\"\ncfg = \"unix\"\nvalue = \"m\"\n[[route]]\nname = \"m2\"\ncfg = \"not(unix)\"\nvalue = \"m\"\n",
        ),
    ]);
    // `dev` and `prod` never coexist; `debug` may coexist with either. The same holds for
    // topics; message values and actions are registered once whatever the cfg.
    assert_eq!(
        errors,
        [
            "routes/a.toml:14:8: route `debug` conflicts with route `dev`",
            "routes/a.toml:18:7: invalid `cfg` predicate \"feature = \"",
            "routes/t.toml:12:9: route `v` conflicts with route `t`",
            "routes/m.toml:9:9: value \"m\" is registered twice in one message router",
        ]
    );
}
