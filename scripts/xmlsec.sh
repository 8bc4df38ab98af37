#!/usr/bin/env bash
# SAML sign-in (pysaml2) signs and verifies XML with Debian's xmlsec1 binary.
set -eu
if command -v xmlsec1 >/dev/null; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing xmlsec1 for SAML sign-in…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xmlsec1 >/dev/null
else
  echo "xmlsec1 is missing: install it with 'sudo apt-get install -y xmlsec1'." >&2
  exit 1
fi
