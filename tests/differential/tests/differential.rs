//! Generated routers against the reference matcher and matchit 0.9, on the examples of
//! docs/SEMANTICS.md and on random route sets (see build.rs).
//!
//! `ROUTEGEN_DIFF_PATHS` sets the paths tried per random set (1,000 by default); the sets come
//! from `ROUTEGEN_DIFF_SEED` at build time. A long run is documented in docs/TESTING.md.

use routegen::{MatchError, Method};
use routegen_codegen::{Builder, Reference};
use routegen_differential::spec::{self, Rng};
use routegen_differential::{FALSE_CONFLICTS, Kind, Outcome, SEED, SETS, Set};

const METHODS: [&str; 6] = ["GET", "POST", "PUT", "DELETE", "PURGE", "LINK"];

fn reference(toml: &str) -> Reference {
    Builder::new()
        .route_source("set.toml", toml)
        .reference()
        .expect("the set compiled, so it validates")
}

/// An answer with owned params, comparable across the three matchers.
type Answer = Result<(usize, Vec<(String, String)>), MatchError>;

/// An outcome as text, comparable across the three matchers.
fn show(outcome: &Answer) -> String {
    match outcome {
        Ok((index, params)) => format!("route #{index} {params:?}"),
        Err(MatchError::MethodNotAllowed { allowed }) => format!("405 [{allowed}]"),
        Err(error) => format!("{error}"),
    }
}

fn owned(outcome: Outcome<'_>) -> Answer {
    outcome.map(|(index, params)| {
        let params = params
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        (index, params)
    })
}

fn from_reference(reference: &Reference, method: Method, path: &str) -> Answer {
    reference.recognize(method, path).map(|m| {
        let params = m
            .params
            .into_iter()
            .map(|(k, v)| (k, v.to_owned()))
            .collect();
        (m.index, params)
    })
}

/// The routes of a set whose pattern matches `path` on their own: the smallest route set that
/// can reproduce a disagreement about it.
fn candidates(toml: &str, path: &str) -> String {
    let mut minimal = String::new();
    for route in toml.split("[[route]]").filter(|r| !r.trim().is_empty()) {
        let single = format!("[[route]]{route}").replace("method = ", "# method = ");
        if reference(&single).recognize(Method::GET, path).is_ok() {
            minimal.push_str(&format!("[[route]]{route}"));
        }
    }
    minimal
}

fn fail(set_index: usize, set: &Set, method: &str, path: &str, answers: &[(&str, String)]) -> ! {
    let mut message = format!(
        "disagreement (seed {SEED}, set #{set_index}, {:?}) for {method} {path:?}:\n",
        set.kind
    );
    for (who, answer) in answers {
        message.push_str(&format!("  {who:>9}: {answer}\n"));
    }
    message.push_str(&format!(
        "routes whose pattern matches the path (a minimal reproduction):\n{}\nthe whole set:\n{}",
        candidates(set.toml, path),
        set.toml
    ));
    panic!("{message}");
}

/// A pattern segment, for recognising matchit's one documented divergence.
#[derive(Debug, PartialEq)]
enum Shape<'a> {
    Static(&'a str),
    Param { prefix: &'a str, suffix: &'a str },
    CatchAll,
}

fn shapes(pattern: &str) -> Vec<Shape<'_>> {
    pattern
        .split('/')
        .map(|segment| match (segment.find('{'), segment.find('}')) {
            (Some(open), Some(_)) if segment[open..].starts_with("{*") => Shape::CatchAll,
            (Some(open), Some(close)) => Shape::Param {
                prefix: &segment[..open],
                suffix: &segment[close + 1..],
            },
            _ => Shape::Static(segment),
        })
        .collect()
}

/// matchit 0.9 commits to a param with a suffix (`{x}.png`) when the segment ends with that
/// suffix, and does not come back to a plain param at the same place when the suffixed branch
/// dead-ends; routegen does (docs/SEMANTICS.md). True when that explains why matchit missed the
/// route routegen found: the winner has a plain param at some segment where another route,
/// identical in shape before it, has a suffixed param whose suffix the path's segment ends with.
fn explained_by_suffix_commitment(patterns: &[String], winner: usize, path: &str) -> bool {
    let won = shapes(&patterns[winner]);
    let segments: Vec<&str> = path.split('/').collect();
    patterns.iter().any(|other| {
        let other = shapes(other);
        (0..won.len().min(other.len()).min(segments.len())).any(|i| {
            let plain = won[i] == Shape::Param { prefix: "", suffix: "" };
            let suffixed = matches!(other[i], Shape::Param { prefix: "", suffix }
                if !suffix.is_empty() && segments[i].len() > suffix.len() && segments[i].ends_with(suffix));
            plain && suffixed && won[..i] == other[..i]
        })
    })
}

#[test]
fn semantics_examples_hold_for_generated_and_reference() {
    let markdown = include_str!("../../../docs/SEMANTICS.md");
    let blocks: Vec<_> = spec::blocks(markdown)
        .into_iter()
        .filter(|b| !b.conflict)
        .collect();
    let mut checked = 0;
    for (set_index, set) in SETS.iter().enumerate() {
        let Kind::Example(n) = set.kind else { continue };
        let block = &blocks[n];
        let reference = reference(set.toml);
        for line in &block.expectations {
            let (request, expected) = line.split_once(" => ").expect("METHOD PATH => ANSWER");
            let (method, path) = request.split_once(' ').expect("METHOD PATH");
            let expected = match expected.split_once(' ') {
                _ if expected == "404" => "no route matches the path".to_owned(),
                Some(("405", allowed)) => format!("405 [{allowed}]"),
                _ => {
                    let mut words = expected.split(' ');
                    let name = words.next().unwrap();
                    let index = block.routes.iter().position(|r| r.name == name).unwrap();
                    let params: Vec<(String, String)> = words
                        .map(|w| {
                            let (k, v) = w.split_once('=').unwrap();
                            (k.to_owned(), v.to_owned())
                        })
                        .collect();
                    show(&Ok((index, params)))
                }
            };
            let method: Method = method.parse().unwrap();
            let generated = show(&owned((set.recognize)(method, path)));
            let tables = show(&owned((set.recognize_tables)(method, path)));
            let referenced = show(&from_reference(&reference, method, path));
            if generated != expected || tables != expected || referenced != expected {
                fail(
                    set_index,
                    set,
                    method.as_str(),
                    path,
                    &[
                        ("expected", expected),
                        ("generated", generated),
                        ("generated as tables", tables),
                        ("reference", referenced),
                    ],
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} example lines were checked");
}

#[test]
fn semantics_conflicts_fail_to_build() {
    let markdown = include_str!("../../../docs/SEMANTICS.md");
    let conflicts: Vec<_> = spec::blocks(markdown)
        .into_iter()
        .filter(|b| b.conflict)
        .collect();
    assert!(conflicts.len() >= 3);
    for block in conflicts {
        let toml = spec::toml(&block.routes);
        let errors = Builder::new()
            .route_source("conflict.toml", toml.as_str())
            .generate()
            .expect_err(&toml);
        assert_eq!(errors.len(), 1, "{errors}");
        assert!(
            errors.diagnostics()[0]
                .message()
                .contains("conflicts with route"),
            "{errors}"
        );
    }
}

#[test]
fn matchit_accepted_sets_are_never_rejected() {
    assert!(
        FALSE_CONFLICTS.is_empty(),
        "routegen rejected route sets that matchit accepts:\n{}",
        FALSE_CONFLICTS.join("\n---\n")
    );
}

#[test]
fn generated_reference_and_matchit_agree_on_random_sets() {
    let paths_per_set: usize = std::env::var("ROUTEGEN_DIFF_PATHS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000);
    let mut rng = Rng(SEED ^ 0xD1FF);
    let (mut sets, mut paths, mut matchit_sets, mut suffix_divergences) = (0, 0, 0, 0);
    for (set_index, set) in SETS.iter().enumerate() {
        if matches!(set.kind, Kind::Example(_)) {
            continue;
        }
        sets += 1;
        let reference = reference(set.toml);
        let patterns: Vec<String> = set
            .toml
            .lines()
            .filter_map(|l| l.strip_prefix("path = "))
            .map(|p| p.trim_matches('"').to_owned())
            .collect();
        let matchit = (set.kind == Kind::Matchit).then(|| {
            matchit_sets += 1;
            let mut router = matchit::Router::new();
            for (index, pattern) in patterns.iter().enumerate() {
                router.insert(pattern.as_str(), index).unwrap();
            }
            router
        });
        for _ in 0..paths_per_set {
            let pattern = rng.pick(&patterns).clone();
            let mut path = spec::fill(&pattern, &mut rng);
            if rng.chance(30) {
                path = spec::mutate(&path, &mut rng);
            }
            let method_name = if set.kind == Kind::Methods {
                *rng.pick(&METHODS)
            } else {
                "GET"
            };
            let method: Method = method_name.parse().unwrap();
            let generated = owned((set.recognize)(method, &path));
            let tables = owned((set.recognize_tables)(method, &path));
            let referenced = from_reference(&reference, method, &path);
            let matchit_answer = matchit.as_ref().map(|router| match router.at(&path) {
                Ok(found) => Ok((
                    *found.value,
                    found
                        .params
                        .iter()
                        .map(|(k, v)| (k.to_owned(), v.to_owned()))
                        .collect(),
                )),
                Err(_) => Err(MatchError::NotFound),
            });
            let matchit_agrees = match &matchit_answer {
                None => true,
                Some(answer) if show(answer) == show(&generated) => true,
                Some(_) => match &generated {
                    Ok((winner, _))
                        if explained_by_suffix_commitment(&patterns, *winner, &path) =>
                    {
                        suffix_divergences += 1;
                        true
                    }
                    _ => false,
                },
            };
            let agree = show(&generated) == show(&referenced)
                && show(&tables) == show(&generated)
                && matchit_agrees;
            if !agree {
                let mut answers = vec![
                    ("generated", show(&generated)),
                    ("generated as tables", show(&tables)),
                    ("reference", show(&referenced)),
                ];
                if let Some(answer) = &matchit_answer {
                    answers.push(("matchit", show(answer)));
                }
                fail(set_index, set, method_name, &path, &answers);
            }
            paths += 1;
        }
    }
    println!(
        "{sets} random sets ({matchit_sets} checked against matchit), {paths} paths, seed {SEED}; \
         {suffix_divergences} paths where matchit stopped at a suffixed param (documented)"
    );
    assert!(matchit_sets >= 200, "{matchit_sets}");
    assert!(paths >= 200 * paths_per_set);
}
