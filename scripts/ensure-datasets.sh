#!/usr/bin/env bash
# Makes sure the default real data set, Fashion-MNIST, is on the machine: the main job and the notebook tests use it.
# It comes from the Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist). As root with apt, this
# installs the package (refreshing the package lists first when apt does not know it yet); otherwise it says what to
# do. The main job can also download the official files itself where the internet is reachable.
set -euo pipefail

say() { echo "[datasets] $*" >&2; }
dir=/usr/share/datasets/fashion-mnist
files=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)

complete() { for f in "${files[@]}"; do [ -s "$dir/$f" ] || return 1; done; }

if complete; then
  say "Fashion-MNIST present in $dir."
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  say "Fashion-MNIST is missing from $dir. Install it with: sudo apt-get install dataset-fashion-mnist"
  say "(the notebook tests need it; the main job otherwise downloads the official files)."
  exit 0
fi
say "Fashion-MNIST is missing: installing the Debian package dataset-fashion-mnist."
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1; then
  say "apt does not know the package yet: refreshing the package lists and retrying."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi
if complete; then
  say "Installed Fashion-MNIST into $dir."
else
  say "ERROR: dataset-fashion-mnist installed but $dir is incomplete."
  exit 1
fi
