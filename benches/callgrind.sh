#!/usr/bin/env bash
# The cost of one lookup, counted by callgrind (instruction counts do not drift with the host's
# noise the way times do): instructions, L1 instruction and data cache misses and branch
# mispredictions, for one contender of `benches/examples/profile.rs`, then the same split by
# function, so that a design can be compared with another, or with a peer, line by line.
#
# usage: benches/callgrind.sh [--features scale-10k] CONTENDER [ROUNDS]   (default: 200 rounds)
#   CONTENDER: one of those listed in the doc comment of benches/examples/profile.rs (an unknown
#   name prints them all).
#
# Collection is on only inside the driver's loop (`profile::run*`), so the set-up (building the
# paths, matchit's tree) is not counted; the counts are totals over ROUNDS x paths lookups,
# divided by that number. The loop's own instructions (about 17 a lookup) are included.
# The simulated caches are valgrind's defaults for this machine: 32 KiB, 8-way, 64-byte lines.
# Needs valgrind (`apt-get install valgrind`).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
features=()
if [ "${1:-}" = "--features" ]; then
    features=(--features "${2:?--features needs a feature name: scale-10k}")
    shift 2
fi
contender="${1:?usage: benches/callgrind.sh [--features scale-10k] CONTENDER [ROUNDS]}"
rounds="${2:-200}"
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }

cargo build --quiet --release -p routegen-benches --example profile "${features[@]}" \
    --manifest-path "$repo/Cargo.toml"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
valgrind --tool=callgrind --cache-sim=yes --branch-sim=yes --toggle-collect='profile::run*' \
    --callgrind-out-file="$work/out" "$repo/target/release/examples/profile" "$contender" "$rounds" \
    >/dev/null 2>"$work/err" || { grep -v '^==\|^--' "$work/err" >&2; exit 1; }
paths=$(sed -n 's/^\([0-9]*\) paths a round$/\1/p' "$work/err")
[ -n "$paths" ] || { cat "$work/err" >&2; exit 1; }
lookups=$((paths * rounds))

# callgrind_annotate prints each count with its share in parentheses and "." for zero. Functions
# under 2% of the instructions are summed into one row, with their number.
callgrind_annotate --show=Ir,I1mr,D1mr,Bcm,Bim --threshold=100 "$work/out" 2>/dev/null |
    awk -v n="$lookups" -v who="$contender" -v rounds="$rounds" -v paths="$paths" '
    function counts(   i, k, tok) {
        k = 0
        for (i = 1; i <= NF && k < 5; i++) {
            if ($i ~ /^\(/ || $i ~ /%\)$/) continue
            tok = $i; gsub(",", "", tok)
            c[++k] = (tok == ".") ? 0 : tok + 0
        }
    }
    function row(label, ir, i1, d1, bm) {
        printf "| %s | %.1f | %.2f | %.2f | %.2f |\n", label, ir / n, i1 / n, d1 / n, bm / n
    }
    /PROGRAM TOTALS/ { counts(); total[1] = c[1]; total[2] = c[2]; total[3] = c[3]; total[4] = c[4] + c[5]; next }
    /^ *[0-9,.]+ .*:/ && total[1] > 0 {
        counts()
        if (c[1] == 0) next                        # callers without instructions of their own
        name = $0
        sub(/ \[[^]]*\] *$/, "", name)             # the binary
        sub(/^.* /, "", name)                      # the counts
        sub(/^[^:]*[.\/?][^:]*:/, "", name)         # the file: "???" for Rust code
        rows++; label[rows] = name
        ir[rows] = c[1]; i1[rows] = c[2]; d1[rows] = c[3]; bm[rows] = c[4] + c[5]
    }
    END {
        printf "%s: %d rounds of %d paths, per lookup\n\n", who, rounds, paths
        print "| function | instructions | I1 misses | D1 misses | mispredictions |"
        print "| --- | ---: | ---: | ---: | ---: |"
        row("**all**", total[1], total[2], total[3], total[4])
        for (r = 1; r <= rows; r++) {
            if (ir[r] >= 0.02 * total[1]) { row("`" label[r] "`", ir[r], i1[r], d1[r], bm[r]); continue }
            small++; s1 += ir[r]; s2 += i1[r]; s3 += d1[r]; s4 += bm[r]
        }
        if (small) row("the other " small " functions", s1, s2, s3, s4)
    }'
