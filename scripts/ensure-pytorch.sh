#!/usr/bin/env bash
# Makes Debian 13's PyTorch 2 available to /usr/bin/python3 for `./build.sh bench train --compare-pytorch`.
# It is a comparison tool only, never a runtime dependency. Debian 12's own python3-torch is 1.13, too old to be
# the comparison, so on Debian 12 this takes python3-torch (and python3-sympy, which it needs) from the trixie suite
# that scripts/ensure-native-prereqs.sh adds at apt priority 100. Anywhere else it only says what is missing.
# Never fails the bench: without PyTorch the bench prints why and measures this project's side alone.
set -uo pipefail

say() { echo "[pytorch] $*" >&2; }

has_torch2() {
  /usr/bin/python3 -c 'import sys, torch; sys.exit(0 if torch.__version__.startswith("2.") else 1)' 2>/dev/null
}

if [ -x /usr/bin/python3 ] && has_torch2; then
  exit 0
fi
if [ ! -f /etc/apt/sources.list.d/aavaemlnet-trixie.sources ]; then
  say "no PyTorch 2 for /usr/bin/python3 and no Debian 13 apt source: install PyTorch 2 for /usr/bin/python3 by hand."
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else say "installing python3-torch needs root."; exit 0; fi
fi
say "installing Debian 13's python3-torch and python3-sympy for the side-by-side comparison (a few minutes)."
if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t trixie python3-torch python3-sympy >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t trixie python3-torch python3-sympy >/dev/null \
    || say "apt-get could not install python3-torch; the bench will run without the comparison."
fi
exit 0
