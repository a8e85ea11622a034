#!/usr/bin/env bash
# Lists every source line longer than the limit as FILE:LINE:LENGTH and exits 1 when there is one.
#   scripts/check-line-length.sh [LIMIT]   (default 120, the max_line_length of .editorconfig)
# Checks the C#, shell and Python files git knows of (tracked ones and new ones not ignored), or all of them outside
# bin/ and obj/ where the tree is not a git checkout.
# Length counts characters, not bytes (UTF-8 continuation bytes are not counted).
set -euo pipefail
cd "$(dirname "$0")/.."
limit="${1:-120}"

# A checkout lists its files through git; a tree without git (an unpacked archive) through find, minus build output.
sources() {
  if command -v git > /dev/null && git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
    # A tracked file deleted in the work tree is still listed until the deletion is staged: keep files that exist.
    git ls-files -z --cached --others --exclude-standard -- '*.cs' '*.sh' '*.py' |
      while IFS= read -r -d '' file; do if [ -f "$file" ]; then printf '%s\0' "$file"; fi; done
  else
    find . \( -name bin -o -name obj -o -name .git \) -prune -o \
      -type f \( -name '*.cs' -o -name '*.sh' -o -name '*.py' \) -printf '%P\0'
  fi
}

report="$(sources |
  xargs -0 -r env LC_ALL=C awk -v limit="$limit" '
    { line = $0; sub(/\r$/, "", line); rest = line
      length_ = length(line) - gsub(/[\200-\277]/, "", rest)
      if (length_ > limit) printf "%s:%d:%d\n", FILENAME, FNR, length_ }')"

if [ -n "$report" ]; then
  echo "$report"
  echo "$(wc -l <<< "$report") line(s) longer than $limit characters (see .editorconfig)." >&2
  exit 1
fi
echo "Line length: every line within $limit characters." >&2
