#!/usr/bin/env bash
# Makes sure the machine can load TorchSharp 0.107's native library (libLibTorchSharp.so).
#
# That library needs a libstdc++ exporting GLIBCXX_3.4.32 (GCC 13 or newer). Debian 12 ships GCC 12's,
# and then TorchSharp fails with a misleading "doesn't contain a reference to libtorch-cpu-linux-x64".
# On Debian 12 this script adds the Debian 13 ("trixie") suite of the machine's own apt mirror, pinned
# at priority 100 so that nothing else is upgraded from it, and installs trixie's libstdc++6 (which
# brings a newer libc6 with it). Anywhere else it only reports what to install.
set -euo pipefail

say() { echo "[native-prereqs] $*" >&2; }

find_libstdcxx() {
  local candidate
  for candidate in $(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF}') \
      /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6; do
    if [ -e "$candidate" ]; then readlink -f "$candidate"; return 0; fi
  done
  return 1
}

has_required_symbol() {
  local lib
  lib="$(find_libstdcxx)" || return 1
  grep -qa 'GLIBCXX_3\.4\.32' "$lib"
}

if [ "$(uname -s)" != "Linux" ]; then
  exit 0   # Windows and macOS builds of libtorch bring what they need.
fi

if has_required_symbol; then
  say "libstdc++ provides GLIBCXX_3.4.32: nothing to do."
  exit 0
fi

. /etc/os-release 2>/dev/null || true
if [ "${ID:-}" != "debian" ] || [ "${VERSION_CODENAME:-}" != "bookworm" ]; then
  say "ERROR: $(find_libstdcxx || echo 'libstdc++.so.6') lacks GLIBCXX_3.4.32, which TorchSharp 0.107 needs."
  say "Install libstdc++ from GCC 13 or newer (Ubuntu 24.04, Debian 13 and Fedora 39+ ship one), then rerun."
  exit 1
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    say "ERROR: Debian 12's libstdc++ lacks GLIBCXX_3.4.32; installing Debian 13's libstdc++6 needs root (or sudo)."
    exit 1
  fi
fi

# The mirror address comes from this machine's own apt configuration; only the suite name changes.
mirror=""
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)"
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror="$(awk '$1 == "deb" && $0 !~ /security/ {
                   for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}
                 }' /etc/apt/sources.list)"
fi
if [ -z "$mirror" ]; then
  say "ERROR: could not find the Debian mirror in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list."
  say "Add a Debian 13 (trixie) source pinned at priority 100 and run: apt-get install -t trixie libstdc++6"
  exit 1
fi

say "Debian 12's libstdc++ lacks GLIBCXX_3.4.32 (needed by TorchSharp 0.107's native library)."
say "Adding the trixie suite of $mirror at apt priority 100 and installing trixie's libstdc++6 (also upgrades libc6)."
$SUDO tee /etc/apt/sources.list.d/aavaemlnet-trixie.sources >/dev/null <<SOURCES
# Added by AavaeMlNet's scripts/ensure-native-prereqs.sh: only libstdc++6 (and what it needs) is taken from here.
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
$SUDO tee /etc/apt/preferences.d/aavaemlnet-trixie >/dev/null <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t trixie libstdc++6 >/dev/null

if has_required_symbol; then
  say "Installed: $(find_libstdcxx) now provides GLIBCXX_3.4.32."
else
  say "ERROR: libstdc++6 from trixie was installed but GLIBCXX_3.4.32 is still missing."
  exit 1
fi
