//! Hostile and huge inputs at build time: every one ends in success or clear errors, never a
//! panic or a stack overflow.

mod common;

use common::temp_dir;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use routegen_codegen::Builder;

/// A scratch directory with an empty `routes/` in it.
fn routes_dir(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    fs::create_dir_all(dir.join("routes")).unwrap();
    dir
}

fn generate(base: &Path) -> Result<routegen_codegen::Generated, routegen_codegen::Errors> {
    Builder::new().base_dir(base).route_dir("routes").generate()
}

#[test]
fn ten_thousand_routes_in_a_thousand_files() {
    let base = routes_dir("stress-10k");
    for file in 0..1000 {
        let mut text = format!("prefix = \"/svc{file}\"\n");
        for route in 0..10 {
            let path = match route % 5 {
                0 => format!("/items{route}"),
                1 => format!("/items{route}/{{id}}"),
                2 => format!("/items{route}/{{id}}/sub/{{sub}}.json"),
                3 => format!("/files{route}/{{*path}}"),
                _ => format!("/v{{version}}/items{route}"),
            };
            text.push_str(&format!(
                "[[route]]\nname = \"r{file}_{route}\"\npath = \"{path}\"\nmethod = [\"GET\", \"POST\"]\n"
            ));
        }
        fs::write(base.join(format!("routes/f{file:04}.toml")), text).unwrap();
    }
    let started = Instant::now();
    let generated = generate(&base).unwrap();
    eprintln!("10,000 routes generated in {:?}", started.elapsed());
    assert_eq!(generated.route_count, 10_000);
    // Above 2,000 routes the code is plain token text rather than prettyplease output, but still
    // on short lines: rustc is far slower on long ones.
    assert!(generated.code.contains("RouteEntry ; 10000 ]"));
    let longest = generated.code.lines().map(str::len).max().unwrap();
    assert!(longest < 2_000, "a line of {longest} bytes");
    fs::remove_dir_all(base).unwrap();
}

#[test]
fn groups_nested_sixty_four_deep() {
    let base = routes_dir("stress-deep");
    let mut text = String::new();
    let mut table = String::from("group");
    for depth in 0..64 {
        text.push_str(&format!(
            "[[{table}]]\nprefix = \"/g{depth}\"\nmiddleware = [\"m{depth}\"]\n"
        ));
        table.push_str(".group");
    }
    let route_table = format!("{}.route", &table[..table.len() - ".group".len()]);
    text.push_str(&format!(
        "[[{route_table}]]\nname = \"deepest\"\npath = \"/{{id}}\"\n"
    ));
    fs::write(base.join("routes/deep.toml"), text).unwrap();
    let generated = generate(&base).unwrap();
    assert_eq!(generated.route_count, 1);
    assert!(
        generated.code.contains("/g0/g1/g2/"),
        "prefixes concatenate"
    );
    assert!(generated.code.contains("\"m63\""), "middleware accumulates");
    fs::remove_dir_all(base).unwrap();
}

#[test]
fn groups_nested_too_deep_are_an_error() {
    let base = routes_dir("stress-too-deep");
    let table = vec!["group"; 1000].join(".");
    fs::write(
        base.join("routes/deep.toml"),
        format!("[[{table}.route]]\nname = \"x\"\npath = \"/x\"\n"),
    )
    .unwrap();
    let errors = generate(&base).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    fs::remove_dir_all(base).unwrap();
}

#[test]
fn a_ten_megabyte_route_file() {
    let base = routes_dir("stress-10mb");
    let mut text = String::new();
    let mut route = 0;
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&format!(
            "[[route]]\nname = \"r{route}\"\npath = \"/a/{route}/{{x}}\"\nmeta = {{ note = \"{}\" }}\n",
            "x".repeat(400)
        ));
        route += 1;
    }
    fs::write(base.join("routes/big.toml"), &text).unwrap();
    let generated = generate(&base).unwrap();
    assert_eq!(generated.route_count, route);
    fs::remove_dir_all(base).unwrap();
}

#[test]
fn a_pattern_with_a_hundred_thousand_segments_is_an_error_not_a_stack_overflow() {
    let base = routes_dir("stress-segments");
    let path = "/a".repeat(100_000);
    fs::write(
        base.join("routes/long.toml"),
        format!("[[route]]\nname = \"long\"\npath = \"{path}/{{x}}\"\n"),
    )
    .unwrap();
    let errors = generate(&base).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    assert!(
        errors.diagnostics()[0].message().contains("segments"),
        "{errors}"
    );
    assert_eq!(errors.diagnostics()[0].location().unwrap().line, 3);
    fs::remove_dir_all(base).unwrap();
}

#[test]
fn a_directory_of_binary_junk_gives_errors_for_every_file() {
    let base = routes_dir("stress-junk");
    let mut state = 0x1234_5678_u32;
    for file in 0..20 {
        let bytes: Vec<u8> = (0..2000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            })
            .collect();
        fs::write(base.join(format!("routes/junk{file:02}.toml")), bytes).unwrap();
    }
    fs::write(
        base.join("routes/deep_inline.toml"),
        format!("x = {}1{}\n", "[".repeat(10_000), "]".repeat(10_000)),
    )
    .unwrap();
    let errors = generate(&base).unwrap_err();
    // Every junk file is reported (not valid UTF-8, or not valid TOML), none skipped.
    assert_eq!(errors.len(), 21, "{errors}");
    fs::remove_dir_all(base).unwrap();
}
