#!/usr/bin/env bash
# Sets everything up, builds Waybill in release mode, starts it with its embedded defaults
# (SQLite and local files under ./data), loads sample deliveries through the real webhook
# endpoint, and keeps serving on http://127.0.0.1:3000 until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

[ -f .env ] || { cp .env.example .env; echo "created .env from .env.example"; }

printf '\033[1m==> building (release: about 12 minutes the first time on 2 cores, a minute after a change)\033[0m\n'
# --precompress: brotli (best) and gzip copies of every asset, served as they are (no
# compression per request); hash-files (Cargo.toml) puts the content hash in their names.
cargo leptos build --release --precompress
printf '\033[1m==> building waybill-tools (the demo loader: about 2.5 minutes the first time)\033[0m\n'
# The demo loader (`waybill-tools`), with LEPTOS_OUTPUT_NAME as cargo-leptos sets it (leptos
# reads it at compile time). Its HTTP client adds features to dependencies the server shares,
# so cargo builds the server library once more for it.
LEPTOS_OUTPUT_NAME=waybill cargo build --release -p tools

# A demo secret (`waybill-tools env`, from the carrier profiles) for each carrier that
# neither the environment nor .env configures, such as one added since .env was made: the
# sample journeys of every carrier then go through.
secrets=$(target/release/waybill-tools env --label demo)
while IFS= read -r line; do
  var=${line%%=*}
  [ -n "${!var:-}" ] || grep -q "^${var}=" .env || export "$line"
done <<<"$secrets"

export LEPTOS_SITE_ROOT=target/site
target/release/waybill serve &
server=$!
trap 'kill $server 2>/dev/null || true' INT TERM EXIT

addr=$(grep -E '^WAYBILL_ADDR=' .env | cut -d= -f2 || true)
base="http://${WAYBILL_ADDR:-${addr:-127.0.0.1:3000}}"
for _ in $(seq 1 100); do
  curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "$base/readyz" >/dev/null || { echo "Waybill did not become ready"; exit 1; }

printf '\033[1m==> loading sample deliveries\033[0m\n'
target/release/waybill-tools demo --url "$base"
# A staff account to try the back office with (its password is reset on every run).
printf '%s\n' "waybill-demo-password" | target/release/waybill create-staff --email staff@example.com >/dev/null
printf '\n\033[1mWaybill is running at %s\033[0m (Ctrl-C to stop). Try %s/track/WB-DEMO-1001\n' "$base" "$base"
printf 'Back office: %s/staff as staff@example.com, password waybill-demo-password\n' "$base"
wait $server
