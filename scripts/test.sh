#!/usr/bin/env bash
# Runs every test: unit and integration tests (SQLite and PostgreSQL), then the browser
# tests in headless Chromium against a freshly built server.
set -euo pipefail
cd "$(dirname "$0")/.."
# Everything is also written to a log, to print one summary line at the end.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
exec > >(tee "$log") 2>&1
scripts/setup.sh
# A full build with tests needs a few GB in target/; say so up front if the disk is short.
df -h . | awk 'NR==2 { print "disk: " $4 " free on " $6 }'
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

# PostgreSQL on 127.0.0.1:5432 with trust auth; start the machine's cluster if it is down.
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
fi

printf '\033[1m==> formatting (cargo fmt --check, settings in rustfmt.toml)\033[0m\n'
if cargo fmt --version >/dev/null 2>&1; then
  cargo fmt --all --check
else
  echo "rustfmt is not installed: formatting NOT checked"
fi

printf '\033[1m==> building (debug)\033[0m\n'
# Debug builds get a site directory of their own: a debug WebAssembly next to a release
# server (scripts/run.sh) does not hydrate (the two render different markers), and one
# shared directory let whichever build ran last break the other's pages.
export LEPTOS_SITE_ROOT="$PWD/target/site-debug"
cargo leptos build

# cargo-leptos builds the server with this flag and this variable (read by leptos at
# compile time); setting both the same way lets cargo test reuse those artifacts instead of
# rebuilding, and keeps target/debug/waybill pointing at the right wasm file.
export RUSTFLAGS="--cfg erase_components"
export LEPTOS_OUTPUT_NAME=waybill
# The demo loader the browser tests use (`waybill-tools`, beside target/debug/waybill).
cargo build -p tools
# Every runner runs even when an earlier one failed, so one run shows every failure; the
# script fails at the end if any did.
failed_runners=()
run() {
  if ! "$@"; then failed_runners+=("$*"); fi
}
printf '\033[1m==> unit and integration tests\033[0m\n'
run cargo test -p app --features ssr --no-fail-fast
run cargo test -p server --no-fail-fast

printf '\033[1m==> browser tests\033[0m\n'
run scripts/e2e.sh

# One closing line with what the runners counted (scripts/count-tests.sh).
sleep 0.2
scripts/count-tests.sh "$log" || true
if [ ${#failed_runners[@]} -gt 0 ]; then
  printf 'failed runner: %s\n' "${failed_runners[@]}"
  exit 1
fi
