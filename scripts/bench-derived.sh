#!/usr/bin/env bash
# bench-derived.sh [ROUNDS]: cold build, weekly publish (a new daily row and
# a new briefing) and an unchanged build of two generated projects of 1,000
# briefings, one quoting a derived dataset over 10,000 daily rows and one
# quoting a column instead, alternated; prints "variant build wall user sys"
# lines (docs/performance.md, "Derived datasets").
set -euo pipefail
rounds=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
go build -trimpath -o "$work/brief" ./cmd/brief
go build -o "$work/briefgen" ./cmd/briefgen
export BRIEF_ECHARTS="$root/node_modules/echarts/dist/echarts.min.js"
"$work/briefgen" -n 1000 -derived column "$work/column" >/dev/null
"$work/briefgen" -n 1000 -derived query "$work/query" >/dev/null
timed() { /usr/bin/time -f "$1 $2 %e %U %S" "$work/brief" build --future --src "$3" --quiet; }
for i in $(seq 1 "$rounds"); do
  for v in column query; do
    p=$work/$v
    rm -rf "$p/.brief-cache" "$p/public"
    timed "$v" cold "$p"
    d=$(date -u -d "2010-01-01 + $((7000 + 7 * i)) days" +%F)
    printf '[[rows]]\ndate = %s\nclose = 1%d.5\nmean_30 = 100.0\n\n' "$d" "$i" >>"$p/data/daily.toml"
    from=daily
    [ "$v" = query ] && from=daily_mean
    printf '+++\ntitle = "New %d"\ndate = %s\n+++\nThe 30-day mean stood at {{ %s.mean_30 }}.\n' "$i" "$d" "$from" >"$p/content/briefings/zz-new-$i.md"
    timed "$v" weekly "$p"
    timed "$v" unchanged "$p"
  done
done
