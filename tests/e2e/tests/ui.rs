//! Compile-fail tests: misuse of the generated API is a compile error, with a useful message.
//! The expected errors live next to each case in `tests/ui/*.stderr`
//! (regenerate with `TRYBUILD=overwrite cargo test -p routegen-e2e --test ui` and review).

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
