#!/usr/bin/env bash
# Measures brief against Hugo on the same generated briefings and prints the
# three figures of issue 16 side by side: the weekly publish (one new
# briefing into the archive, cache warm) and the cold build as ratios to
# Hugo's full build, with peak memory, and the preview's save to reload.
# Needs bin/brief and bin/briefgen (make site; go build -o bin/briefgen
# ./cmd/briefgen), Debian's hugo (apt-get install hugo) and Go.
# Usage: scripts/compare-hugo.sh [N ...]   (default: 1000)
# TMPDIR=/dev/shm scripts/compare-hugo.sh runs both on tmpfs, leaving the disk out.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# t prints "seconds kilobytes" of a command.
t() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ns=("$@")
[ ${#ns[@]} -gt 0 ] || ns=(1000)
for n in "${ns[@]}"; do
  src=$work/brief$n hugo=$work/hugo$n out=$work/out$n
  "$repo/bin/briefgen" -n "$n" "$src"
  mkdir -p "$hugo/content/briefings" "$hugo/layouts/_default"
  cp "$src"/content/briefings/*.md "$hugo/content/briefings/"
  printf 'baseURL = "https://bench.example.com/"\ntitle = "Generated desk"\nbuildFuture = true\n' > "$hugo/hugo.toml"
  echo '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><main>{{ block "main" . }}{{ end }}</main></body></html>' > "$hugo/layouts/_default/baseof.html"
  echo '{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2 January 2006" }}</time><p>{{ .Summary }}</p>{{ .Content }}<ul>{{ range .Params.tags }}<li>{{ . }}</li>{{ end }}</ul></article>{{ end }}' > "$hugo/layouts/_default/single.html"
  echo '{{ define "main" }}<h1>{{ .Title }}</h1><ol>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ol>{{ end }}' > "$hugo/layouts/_default/list.html"
  cp "$hugo/layouts/_default/list.html" "$hugo/layouts/index.html"

  # Hugo's time varies a lot from run to run on a busy disk: the median of three.
  read -r hugo_s hugo_kb < <(for _ in 1 2 3; do (cd "$hugo" && rm -rf public && t hugo --quiet --buildFuture); done | sort -n | sed -n 2p)
  # So does the cold build's (this disk's cost of creating a file varies by
  # a factor of two within the hour): the median of three, each into a new folder.
  read -r cold_s cold_kb < <(for i in 1 2 3; do t "$repo/bin/brief" build --future --quiet --no-cache --src "$src" --out "$work/cold$n-$i"; rm -rf "$work/cold$n-$i"; done | sort -n | sed -n 2p)
  "$repo/bin/brief" build --future --quiet --src "$src" --out "$out" # fills the cache
  read -r same_s _ < <(t "$repo/bin/brief" build --future --quiet --src "$src" --out "$out")
  # The weekly publish: the median of three new briefings, one after another.
  read -r new_s new_kb < <(for i in 1 2 3; do
    day=$(date -u -d "2010-01-01 + $((7 * n + i)) days" +%F)
    printf '+++\ntitle = "New %d"\ndate = %s\n+++\nNew text.\n\n```chart\ndataset = "moves"\n```\n' "$i" "$day" > "$src/content/briefings/zz-new-$i.md"
    t "$repo/bin/brief" build --future --quiet --src "$src" --out "$out"
  done | sort -n | sed -n 2p)
  echo "N=$n Hugo full build (median of 3): ${hugo_s} s, $((hugo_kb / 1024)) MB"
  echo "  weekly publish (one new briefing, cache warm; median of 3): ${new_s} s, $((new_kb / 1024)) MB = $(ratio "$new_s" "$hugo_s")x Hugo (target <= 0.30x); no change: ${same_s} s"
  echo "  cold build (no cache; median of 3): ${cold_s} s, $((cold_kb / 1024)) MB = $(ratio "$cold_s" "$hugo_s")x Hugo (target <= 2.0x, memory <= Hugo's)"
done
read -r ms debounce < <(cd "$repo" && go test ./internal/preview/ -run '^$' -bench SaveToReload -benchtime 200x | awk '/^BenchmarkSaveToReload/ { printf "%.0f %.0f\n", $3 / 1e6, $5 }')
echo "preview, save to reload (1,000 briefings, mean of 200 saves, ${debounce} ms debounce included): ${ms} ms (target < 50 ms)"
