//! `Debug` for generated route enums, written from a route's name and parameters.
//!
//! `#[derive(Debug)]` on an enum of 10,000 routes is a `match` of 10,000 arms, and rustc spent
//! 10 of a debug build's 33 seconds on it (BENCHMARKS.md, "Build cost"). The generated `Debug`
//! calls [`debug_route`] instead, which prints exactly what the derive would.

use core::fmt::{self, Debug, Formatter, Write};

/// Writes a route the way `#[derive(Debug)]` writes its variant: `DeviceStatus { device_id: "d1" }`
/// (or the multi-line form under `{:#?}`), `Health` for a route without parameters.
///
/// `name` is the route's name as written in its route file; the variant name is derived from it
/// by the code generator's rule (`device_status` -> `DeviceStatus`: each word between `_`, `-`
/// and `.` capitalised and joined).
pub fn debug_route(f: &mut Formatter<'_>, name: &str, params: &[(&str, &str)]) -> fmt::Result {
    for word in name.split(['_', '-', '.']) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            f.write_char(first.to_ascii_uppercase())?;
            f.write_str(chars.as_str())?;
        }
    }
    if params.is_empty() {
        return Ok(());
    }
    // The same text as `DebugStruct`: one line, or one field a line with a trailing comma. An
    // enclosing `{:#?}` indents our lines itself (its formatter wraps ours).
    let pretty = f.alternate();
    f.write_str(if pretty { " {\n" } else { " { " })?;
    for (i, (key, value)) in params.iter().enumerate() {
        if pretty {
            f.write_str("    ")?;
        } else if i > 0 {
            f.write_str(", ")?;
        }
        f.write_str(key)?;
        f.write_str(": ")?;
        value.fmt(f)?;
        if pretty {
            f.write_str(",\n")?;
        }
    }
    f.write_str(if pretty { "}" } else { " }" })
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;

    use super::*;

    struct Route<'a>(&'a str, &'a [(&'a str, &'a str)]);

    impl Debug for Route<'_> {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            debug_route(f, self.0, self.1)
        }
    }

    #[derive(Debug)]
    #[allow(dead_code)]
    enum Derived<'a> {
        DeviceStatus { device_id: &'a str, r#type: &'a str },
        AdminUsersList,
    }

    #[test]
    fn prints_what_the_derive_prints() {
        let params = [("device_id", "d \"1\"\n"), ("type", "é")];
        let ours = Route("device_status", &params);
        let derived = Derived::DeviceStatus {
            device_id: "d \"1\"\n",
            r#type: "é",
        };
        assert_eq!(format!("{ours:?}"), format!("{derived:?}"));
        assert_eq!(format!("{ours:#?}"), format!("{derived:#?}"));
        // Nested in a pretty-printed value, the enclosing formatter indents our lines.
        assert_eq!(format!("{:#?}", [&ours]), format!("{:#?}", [&derived]));
        let unit = Route("admin.users-list", &[]);
        assert_eq!(
            format!("{unit:?}"),
            format!("{:?}", Derived::AdminUsersList)
        );
        assert_eq!(format!("{unit:#?}"), "AdminUsersList");
    }
}
