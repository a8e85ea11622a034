#!/usr/bin/env bash
# Lists every source line longer than the limit as FILE:LINE:LENGTH and exits 1 when there is one.
#   scripts/check-line-length.sh [LIMIT]   (default 120, the max_line_length of .editorconfig)
# Checks the C#, shell and Python files git knows of: tracked ones and new ones not ignored.
# Length counts characters, not bytes (UTF-8 continuation bytes are not counted).
set -euo pipefail
cd "$(dirname "$0")/.."
limit="${1:-120}"

report="$(git ls-files -z --cached --others --exclude-standard -- '*.cs' '*.sh' '*.py' |
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
