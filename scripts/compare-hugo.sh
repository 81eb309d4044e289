#!/usr/bin/env bash
# Measures brief against Hugo on the same generated briefings and prints the
# figures of issues 16 and 29 side by side: the weekly publish of a typical
# new briefing (a copy of the newest one: its charts, table and workbook,
# its sentence naming two companies of the project's coverage list, with the
# four most used tags) into the archive, cache warm, and a build
# with no change, both as ratios to Hugo's full build; the cold build as a
# ratio to Hugo's, with peak memory, and to Hugo writing as many files per
# page as brief (custom output formats); and the preview's save to reload.
# Needs bin/brief and bin/briefgen (make site; go build -o bin/briefgen
# ./cmd/briefgen), Debian's hugo (apt-get install hugo) and Go.
# Usage: scripts/compare-hugo.sh [N ...]   (default: 1000); PREVIEW=plain
# measures the plain preview only.
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
  "$repo/bin/briefgen" -entities -n "$n" "$src"
  mkdir -p "$hugo/content/briefings" "$hugo/layouts/_default"
  cp "$src"/content/briefings/*.md "$hugo/content/briefings/"
  printf 'baseURL = "https://bench.example.com/"\ntitle = "Generated desk"\nbuildFuture = true\n' > "$hugo/hugo.toml"
  echo '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><main>{{ block "main" . }}{{ end }}</main></body></html>' > "$hugo/layouts/_default/baseof.html"
  echo '{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2 January 2006" }}</time><p>{{ .Summary }}</p>{{ .Content }}<ul>{{ range .Params.tags }}<li>{{ . }}</li>{{ end }}</ul></article>{{ end }}' > "$hugo/layouts/_default/single.html"
  echo '{{ define "main" }}<h1>{{ .Title }}</h1><ol>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ol>{{ end }}' > "$hugo/layouts/_default/list.html"
  cp "$hugo/layouts/_default/list.html" "$hugo/layouts/index.html"

  # Hugo's time varies a lot from run to run on a busy disk: the median of three.
  # Each run starts with the disk's write-back done (sync): what is timed is
  # the build, not the kernel still writing out the files of the one before.
  read -r hugo_s hugo_kb < <(for _ in 1 2 3; do (cd "$hugo" && rm -rf public && sync && t hugo --quiet --buildFuture); done | sort -n | sed -n 2p)
  # The same site with Hugo writing six files per briefing, as brief does (its
  # page, workbook and a CSV file per chart or table): five plain-text output
  # formats beside the HTML page.
  hugo6=$work/hugo6-$n
  cp -r "$hugo" "$hugo6"
  { printf '[outputs]\npage = ["html", "f1", "f2", "f3", "f4", "f5"]\n'
    for f in 1 2 3 4 5; do
      printf '[outputFormats.f%d]\nmediaType = "text/csv"\nbaseName = "data%d"\nisPlainText = true\n' "$f" "$f"
      echo '{{ .Title }},{{ .Date.Format "2006-01-02" }},{{ .WordCount }}' > "$hugo6/layouts/_default/single.f$f.csv"
    done; } >> "$hugo6/hugo.toml"
  read -r hugo6_s _ < <(for _ in 1 2 3; do (cd "$hugo6" && rm -rf public && sync && t hugo --quiet --buildFuture); done | sort -n | sed -n 2p)
  # So does the cold build's (this disk's cost of creating a file varies by
  # a factor of two within the hour): the median of three, each into a new folder.
  read -r cold_s cold_kb < <(for i in 1 2 3; do sync; t "$repo/bin/brief" build --future --quiet --no-cache --src "$src" --out "$work/cold$n-$i"; rm -rf "$work/cold$n-$i"; done | sort -n | sed -n 2p)
  # A build that read a file changed less than a second before it began
  # leaves a record that the next build cannot trust for its output (git's
  # rule against "racy" files): a desk builds minutes after writing, so
  # each build here comes a second after its edit, untimed.
  sleep 1.1
  "$repo/bin/brief" build --future --quiet --src "$src" --out "$out" # fills the cache
  # The weekly publish of a typical briefing: the newest one copied (its
  # charts, table and workbook) with a new title and date and the four tags
  # most briefings carry; the median of three, one after another.
  last=$(ls "$src/content/briefings" | sort | tail -1)
  tags=$(grep -h '^tags = ' "$src"/content/briefings/*.md | grep -o '"[^"]*"' | sort | uniq -c | sort -rn | head -4 | awk '{print $2}' | paste -sd, -)
  read -r new_s new_kb < <(for i in 1 2 3; do
    day=$(date -u -d "2010-01-01 + $((7 * n + i)) days" +%F)
    sed -e "s/^title = .*/title = \"New $i\"/" -e "s/^date = .*/date = $day/" -e "s/^tags = .*/tags = [$tags]/" \
      "$src/content/briefings/$last" > "$src/content/briefings/zz-new-$i.md"
    sleep 1.1
    sync
    t "$repo/bin/brief" build --future --quiet --src "$src" --out "$out"
  done | sort -n | sed -n 2p)
  # A build trusts the time stamps of the files it read only when they were
  # older than a second when it began (git's rule against "racy" files), so
  # the build with nothing changed comes a second after the last edit.
  sleep 1.1
  "$repo/bin/brief" build --future --quiet --src "$src" --out "$out" # leaves the record of what it read
  sync
  read -r same_s _ < <(for _ in 1 2 3; do t "$repo/bin/brief" build --future --quiet --src "$src" --out "$out"; done | sort -n | sed -n 2p)
  echo "N=$n Hugo full build (median of 3): ${hugo_s} s, $((hugo_kb / 1024)) MB; writing 6 files a page: ${hugo6_s} s"
  echo "  weekly publish (a typical new briefing, cache warm; median of 3): ${new_s} s, $((new_kb / 1024)) MB = $(ratio "$new_s" "$hugo_s")x Hugo (target <= 0.25x)"
  echo "  no change (median of 3): ${same_s} s = $(ratio "$same_s" "$hugo_s")x Hugo (target <= 0.10x)"
  echo "  cold build (no cache; median of 3): ${cold_s} s, $((cold_kb / 1024)) MB = $(ratio "$cold_s" "$hugo_s")x Hugo (target <= 2.0x, memory <= Hugo's); $(ratio "$cold_s" "$hugo6_s")x Hugo writing 6 files a page"
done
# The preview: a plain project, and one with every feature of the third round
# on (a derived dataset in every briefing, revised rows, the search index).
# PREVIEW=plain (a go test -bench pattern below SaveToReload/) measures one.
(cd "$repo" && go test ./internal/preview/ -run '^$' -bench "SaveToReload/${PREVIEW:-}" -benchtime 200x) |
  awk '/^BenchmarkSaveToReload/ { split($1, p, "/"); sub(/-[0-9]+$/, "", p[2]); printf "preview, save to reload (1,000 briefings, %s, 200 saves, %.0f ms debounce included): median %.1f ms, mean %.1f ms, slowest tenth from %.0f ms (target < 40 ms)\n", p[2], $5, $7, $3 / 1e6, $9 }'
