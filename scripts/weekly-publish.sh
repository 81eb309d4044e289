#!/usr/bin/env bash
# Measures a weekly publish into a generated archive: N briefings (briefgen,
# one a week from 2010), a full build that fills the cache, then RUNS weeks
# in turn, each adding a copy of the latest briefing (3 charts, a table, its
# 2 tags) dated 7 days later and building again. Prints one line a week:
# wall and CPU seconds, and the build's own count of files written; then the
# files the last week wrote. Run it with two binaries to compare them.
# Usage: scripts/weekly-publish.sh BRIEF BRIEFGEN [N] [RUNS]
set -euo pipefail
brief=$1 briefgen=$2 n=${3:-1000} runs=${4:-5}
work=$(mktemp -d "${TMPDIR:-/tmp}/weekly-publish.XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$work/src out=$work/public
"$briefgen" -n "$n" "$src"
"$brief" build --future --quiet --src "$src" --out "$out"
"$brief" build --future --quiet --src "$src" --out "$out"
last=$(ls "$src"/content/briefings/*.md | tail -1)
echo "uptime: $(uptime)"
echo "week wall_s user_s sys_s written"
for i in $(seq 1 "$runs"); do
  day=$(date -u -d "2010-01-01 + $((7 * (n + i - 1))) days" +%F)
  sed -e "s/^date = .*/date = $day/" -e "s/^title = \"Week [0-9]*/title = \"Week $((n + i))/" "$last" \
    > "$src/content/briefings/$(printf 'week-%05d.md' $((n + i)))"
  before=$(cd "$out" && find . -type f -printf '%P %i\n' | sort)
  read -r wall user sys < <(/usr/bin/time -f "%e %U %S" "$brief" build --future --src "$src" --out "$out" 2>&1 >"$work/stdout" | tail -1)
  written=$(grep -o '[0-9]* written' "$work/stdout" | cut -d' ' -f1)
  echo "$i $wall $user $sys $written"
done
# The files of the last week that are not hard links to the previous output.
after=$(cd "$out" && find . -type f -printf '%P %i\n' | sort)
echo "written by the last week:"
comm -13 <(echo "$before") <(echo "$after") | cut -d' ' -f1 | grep -v '^search/' | sort
echo "(and $(comm -13 <(echo "$before") <(echo "$after") | grep -c '^search/') search index files)"
echo "uptime: $(uptime)"
