//! Hostile paths: huge, deeply segmented, with NUL bytes, broken percent escapes, non-ASCII and
//! dot segments. `recognize` must answer (never panic), agree with the reference matcher, and
//! use a bounded stack: it runs here on a 64 KiB thread, so recursion that grew with the path
//! would overflow. Linear time is shown by the `hostile` benchmark (benches/).

use routegen::{MatchError, Method};
use routegen_codegen::{Builder, Reference};
use routegen_e2e::routes::recognize;

fn reference() -> Reference {
    Builder::new()
        .base_dir(env!("CARGO_MANIFEST_DIR"))
        .route_dir("routes")
        .reference()
        .unwrap()
}

fn hostile_paths() -> Vec<(String, String)> {
    let mib = 1 << 20;
    vec![
        ("1 MiB segment".into(), format!("/{}", "a".repeat(mib))),
        ("100k slashes".into(), "/".repeat(100_000)),
        ("100k segments".into(), "/a".repeat(100_000)),
        (
            "100k-segment catch-all".into(),
            format!("/hooks{}", "/x".repeat(100_000)),
        ),
        (
            "100k-segment catch-all under params".into(),
            format!("/repos/o/r/tree{}", "/y".repeat(100_000)),
        ),
        (
            "1 MiB catch-all".into(),
            format!("/hooks/{}", "z".repeat(mib)),
        ),
        ("invalid percent".into(), "/files/%zz%/%".into()),
        ("NUL bytes".into(), "/files/\0/\0\0".into()),
        ("non-ASCII".into(), "/files/zürich/東京/🦀".into()),
        ("dot segments".into(), "/files/../../etc/./passwd".into()),
        ("only dots".into(), "/./..".into()),
        ("empty".into(), String::new()),
        ("no leading slash".into(), "files/x".into()),
        ("mixed 1 MiB".into(), "/a/%00/é/..".repeat(mib / 12)),
    ]
}

fn show(result: Result<(usize, Vec<(String, String)>), MatchError>) -> String {
    match result {
        Ok((index, params)) => {
            let lengths: Vec<(String, usize)> =
                params.into_iter().map(|(k, v)| (k, v.len())).collect();
            format!("route #{index} {lengths:?}")
        }
        Err(MatchError::MethodNotAllowed { allowed }) => format!("405 [{allowed}]"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn hostile_paths_get_the_reference_answer_on_a_small_stack() {
    let reference = reference();
    let paths = hostile_paths();
    // Computed on this (large) stack first: the reference matcher is not the one under test.
    let expected: Vec<String> = paths
        .iter()
        .map(|(_, path)| {
            show(reference.recognize(Method::GET, path).map(|m| {
                let params = m
                    .params
                    .into_iter()
                    .map(|(k, v)| (k, v.to_owned()))
                    .collect();
                (m.index, params)
            }))
        })
        .collect();
    let answers = std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(move || {
            paths
                .iter()
                .map(|(what, path)| {
                    let answer = recognize(Method::GET, path).map(|route| {
                        let params = route
                            .params()
                            .map(|(k, v)| (k.to_owned(), v.to_owned()))
                            .collect();
                        (route.index(), params)
                    });
                    (what.clone(), show(answer))
                })
                .collect::<Vec<_>>()
        })
        .unwrap()
        .join()
        .expect("recognize panicked or overflowed a 64 KiB stack");
    for ((what, answer), expected) in answers.iter().zip(&expected) {
        assert_eq!(answer, expected, "{what}");
    }
    // The catch-all routes really took the huge tails.
    assert!(answers[3].1.contains("199999"), "{:?}", answers[3]);
    assert!(
        answers[5].1.contains(&(1 << 20).to_string()),
        "{:?}",
        answers[5]
    );
}
