#!/usr/bin/env bash
# The production-shape test (tests/site/test_stack.py) runs Debian's Caddy as the TLS proxy,
# with deploy/Caddyfile, as docker-compose.yml's `proxy` service does.
set -eu
if command -v caddy >/dev/null; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Caddy for the production-shape test…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq caddy >/dev/null
  # Debian's package may start its own service on :80; the test runs its own caddy.
  if command -v systemctl >/dev/null && systemctl is-active -q caddy 2>/dev/null; then
    systemctl disable --now caddy || true
  fi
else
  echo "Caddy is missing: install it with 'sudo apt-get install -y caddy'." >&2
  exit 1
fi
