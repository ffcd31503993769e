#!/usr/bin/env bash
# Fuzzes the pure protocol core (fuzz/fuzz_targets/) with cargo-fuzz, on stable Rust.
#
#   bash scripts/fuzz.sh smoke           fixed seed and run count, fresh corpus (`make test`)
#   bash scripts/fuzz.sh long [SECONDS]  SECONDS per target, default 300; the corpus grows in
#                                        fuzz/corpus/<target> from one run to the next (`make fuzz`)
#
# Either mode fails on the first crash; the input is kept in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# Its own target dir, so that fuzzing never waits on the crate's build lock.
export CARGO_TARGET_DIR="$PWD/fuzz/target"

say() { printf '\033[1mfuzz:\033[0m %s\n' "$*"; }

targets=(response encode)
smoke_runs=200000

mode=${1:-}
case "$mode" in
  smoke) ;;
  long)
    seconds=${2:-300}
    [[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 long [SECONDS]" >&2; exit 2; }
    ;;
  *) echo "usage: $0 smoke | long [SECONDS]" >&2; exit 2 ;;
esac

if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz (about 1 minute)"
  cargo install cargo-fuzz
fi

# Stable Rust has no -Zsanitizer, so no AddressSanitizer: the core is `#![forbid(unsafe_code)]`,
# and panics, debug assertions and overflow checks are what can fail.
run=(cargo fuzz run --fuzz-dir fuzz --sanitizer none)
cargo fuzz build --fuzz-dir fuzz --sanitizer none

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p fuzz/artifacts

for target in "${targets[@]}"; do
  # The first corpus dir receives the new inputs; fuzz/seeds/<target> is only read.
  if [ "$mode" = smoke ]; then
    corpus="$scratch/$target"
    options=(-seed=1 "-runs=$smoke_runs")
  else
    corpus="fuzz/corpus/$target"
    options=("-max_total_time=$seconds")
  fi
  mkdir -p "$corpus"
  log="fuzz/artifacts/$target-$mode.log"
  say "$target ($mode)"
  if ! "${run[@]}" "$target" "$corpus" "fuzz/seeds/$target" -- \
      -max_len=4096 -timeout=10 -print_final_stats=1 "${options[@]}" >"$log" 2>&1; then
    grep -A1 -E 'panicked at' "$log" | head -n 2 >&2 || true
    grep -E '^SUMMARY' "$log" >&2 || true
    input=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
    if [ -n "$input" ]; then
      echo "input ($input): $(od -An -v -tx1 "$input" | tr -d ' \n')" >&2
    fi
    say "$target FAILED; full log in $log" >&2
    exit 1
  fi
  grep -E '^#[0-9]+[[:space:]]+DONE|^Done [0-9]+ runs' "$log" | sed "s/^/  $target: /"
done
