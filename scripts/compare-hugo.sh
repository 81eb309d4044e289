#!/usr/bin/env bash
# Measures brief against Hugo on the same generated briefings, as recorded in
# docs/performance.md. Needs bin/brief and bin/briefgen (make site; go build
# -o bin/briefgen ./cmd/briefgen), node_modules (npm ci) and Debian's hugo.
# Usage: scripts/compare-hugo.sh [N ...]   (default: 100 1000 5000)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export BRIEF_ECHARTS=$repo/node_modules/echarts/dist/echarts.min.js
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
t() { /usr/bin/time -f "%e s, %M KB" "$@" 2>&1 >/dev/null | tail -1; }
ns=("$@")
[ ${#ns[@]} -gt 0 ] || ns=(100 1000 5000)
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

  cold=$(t "$repo/bin/brief" build --quiet --src "$src" --out "$out")
  same=$(t "$repo/bin/brief" build --quiet --src "$src" --out "$out")
  day=$(date -u -d "2010-01-01 + $((7 * n)) days" +%F)
  printf '+++\ntitle = "New"\ndate = %s\n+++\nNew text.\n\n```chart\ndataset = "moves"\n```\n' "$day" > "$src/content/briefings/zz-new.md"
  new=$(t "$repo/bin/brief" build --quiet --src "$src" --out "$out")
  last=$(grep -n 'close = ' "$src/data/daily.toml" | tail -1 | cut -d: -f1)
  sed -i "${last}s/close = .*/close = 123.45/" "$src/data/daily.toml"
  edit=$(t "$repo/bin/brief" build --quiet --src "$src" --out "$out")
  hugotime=$(cd "$hugo" && t hugo --quiet)
  echo "N=$n brief cold: $cold | no change: $same | new briefing: $new | dataset row: $edit | hugo cold: $hugotime"
done
