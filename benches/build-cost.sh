#!/usr/bin/env bash
# Build cost of routegen's generated code at 100, 1,000 and 10,000 synthetic routes
# (benches/src/synth.rs): codegen time, the final crate's build time (debug and release) and the
# stripped binary size it adds over the same crate with 0 routes. Prints a markdown table.
#
# The size is measured three times: for a binary that prints the matched route's pattern and
# declaration (so it links the introspection table `ROUTES`), for one that prints its name
# (`Route::name()` reads the names alone, and the linker drops the rest of `ROUTES`), and for one
# that only uses the match and its parameters (`router only`).
#
# usage: benches/build-cost.sh [N...]        (default: 100 1000 10000)
# The tiny crate lives in a temp dir with its own target dir; its dependencies are built first,
# then each size only changes the route file, so the timed build is: the build script (codegen,
# compiled at cargo's default build-script opt-level 0) + compiling the crate.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100 1000 10000)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "building codegen-time ..." >&2
cargo build --quiet --release -p routegen-benches --bin codegen-time --manifest-path "$repo/Cargo.toml"
cargo build --quiet -p routegen-benches --bin codegen-time --manifest-path "$repo/Cargo.toml"
cg_release="$repo/target/release/codegen-time"
cg_debug="$repo/target/debug/codegen-time"

crate="$work/tiny"
mkdir -p "$crate/src" "$crate/routes"
cat > "$crate/Cargo.toml" <<TOML
[package]
name = "tiny"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
routegen = { path = "$repo/runtime" }

[build-dependencies]
routegen-codegen = { path = "$repo/codegen" }

[workspace]
TOML
echo 'fn main() { routegen_codegen::compile("routes"); }' > "$crate/build.rs"
# The crate's main, given what it does with the matched route.
write_main() { # Rust expression for the `Ok(route)` arm
    cat > "$crate/src/main.rs" <<RS
mod routes {
    routegen::include_routes!();
}

fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    match routes::recognize(routegen::Method::GET, &path) {
        Ok(route) => $1,
        Err(e) => println!("{e:?}"),
    }
}
RS
}
with_routes='{ let i = route.info(); println!("{} {} {}:{} {:?}", i.name(), i.pattern(), i.file(), i.line(), route.params().collect::<Vec<_>>()) }'
with_names='println!("{} {:?}", route.name(), route.params().collect::<Vec<_>>())'
router_only='println!("{:?}", route.params().collect::<Vec<_>>())'
write_main "$with_routes"

export CARGO_TARGET_DIR="$work/target"
# 0 routes: an empty route file.
: > "$crate/routes/routes.toml"
size_of() { # profile -> stripped size of the binary
    strip -o "$work/stripped" "$CARGO_TARGET_DIR/$1/tiny" && stat -c %s "$work/stripped"
}
secs() { # command... -> elapsed seconds
    local t0 t1
    t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l | xargs printf '%.1f'
}
variant_size() { # main's Ok arm -> stripped release size of that binary
    write_main "$1"
    (cd "$crate" && cargo build --quiet --release)
    size_of release
    write_main "$with_routes"
}
echo "building the tiny crate's dependencies ..." >&2
(cd "$crate" && cargo build --quiet && cargo build --quiet --release)
base=$(size_of release)
base_names=$(variant_size "$with_names")
base_router=$(variant_size "$router_only")
echo "0 routes: stripped release binary $base bytes ($base_names with names, $base_router router only)" >&2

echo "| routes | codegen (release build of codegen) | codegen (debug, as build scripts run it) | generated code | build debug | build release | binary added (stripped release, ROUTES linked) | per route | router and names: added | per route | router only: added | per route |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in "${sizes[@]}"; do
    echo "$n routes ..." >&2
    read -r _ cg_rel bytes < <("$cg_release" "$n")
    read -r _ cg_dbg _ < <("$cg_debug" "$n")
    "$cg_release" --toml "$n" > "$crate/routes/routes.toml"
    debug=$(cd "$crate" && secs cargo build)
    release=$(cd "$crate" && secs cargo build --release)
    size=$(size_of release)
    added=$((size - base))
    names=$(($(variant_size "$with_names") - base_names))
    router=$(($(variant_size "$router_only") - base_router))
    echo "| $n | ${cg_rel} s | ${cg_dbg} s | $((bytes / 1024)) KiB | ${debug} s | ${release} s | $added B | $((added / n)) B | $names B | $((names / n)) B | $router B | $((router / n)) B |"
done
