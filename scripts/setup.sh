#!/usr/bin/env bash
# Installs what building and testing Waybill needs, idempotently: each step is skipped
# when its tool is already there, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# rustfmt, for the formatting check in scripts/test.sh (part of the toolchain here; where
# the toolchain lacks it and rustup cannot fetch it, test.sh says that it skips the check).
if ! cargo fmt --version >/dev/null 2>&1; then
  say "adding rustfmt"
  rustup component add rustfmt || echo "rustfmt could not be added; the formatting check will be skipped"
fi

# cargo-leptos 0.3.10 is the newest that builds with this toolchain (see BUILD-NOTES).
if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
  say "installing cargo-leptos 0.3.10 (compiled from source: about 12 minutes on 2 cores, once)"
  cargo install cargo-leptos --locked --version 0.3.10
fi

# wasm-bindgen-cli must match the wasm-bindgen version in Cargo.lock exactly.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${wb_version}\$"; then
  say "installing wasm-bindgen-cli ${wb_version} (about 3 minutes, once)"
  cargo install wasm-bindgen-cli --version "${wb_version}"
fi

# Node tools: Playwright (driving Debian's Chromium), axe-core, and binaryen's wasm-opt,
# which cargo-leptos would otherwise try to download.
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing end2end npm packages"
  (cd end2end && npm ci --no-audit --no-fund)
fi

# moto's S3 server, which the storage tests run on loopback as a real S3-compatible store.
if ! command -v moto_server >/dev/null 2>&1 || ! python3 -c 'import moto.server' 2>/dev/null; then
  say "installing moto[server] (an S3-compatible server for the storage tests)"
  python3 -m pip install --quiet --disable-pip-version-check 'moto[server]==5.2.1'
fi

if [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium for the browser tests"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi
fi
# nginx, the real reverse proxy of the load-balancer tests (and the benchmark's reference).
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  say "installing Debian's nginx for the reverse-proxy tests"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; fi
fi
# wrk, the load driver of the benchmark (beside nginx serving the same bytes).
if ! command -v wrk >/dev/null 2>&1; then
  say "installing Debian's wrk for the benchmark"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; fi
fi
# A real SMTP server and an independent Standard Webhooks verifier for the outbound tests.
if ! python3 -c 'import aiosmtpd, standardwebhooks' 2>/dev/null; then
  say "installing aiosmtpd and standardwebhooks (PyPI)"
  python3 -m pip install --quiet --disable-pip-version-check 'aiosmtpd==1.4.*' 'standardwebhooks==1.*'
fi
say "tools ready"
