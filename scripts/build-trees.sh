#!/usr/bin/env bash
# build-trees.sh OUT: builds the sample site, a generated project of 1,000
# briefings and the corpus's base project with the brief in bin/ into
# OUT/{sample,gen1000,corpus-base}, without cache and with a fixed
# SOURCE_DATE_EPOCH. Run it before and after a change to the build and
# compare with `diff -r BEFORE AFTER`: a refactoring must change no byte.
set -euo pipefail
out=${1:?usage: build-trees.sh OUT}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
go build -trimpath -o bin/brief ./cmd/brief
go build -o bin/briefgen ./cmd/briefgen
export SOURCE_DATE_EPOCH=1767312000 BRIEF_ECHARTS="$root/node_modules/echarts/dist/echarts.min.js"
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin/brief build --src . --out "$out/sample" --no-cache --quiet
bin/briefgen -n 1000 "$work/gen" >/dev/null
bin/brief build --future --src "$work/gen" --out "$out/gen1000" --no-cache --quiet
mkdir -p "$work/corpus"
go run github.com/rogpeppe/go-internal/cmd/txtar-x -C "$work/corpus" cmd/brief/testdata/corpus/_base.txtar
bin/brief build --src "$work/corpus" --out "$out/corpus-base" --no-cache --quiet
echo "built $out/{sample,gen1000,corpus-base}"
