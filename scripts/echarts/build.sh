#!/usr/bin/env bash
# build.sh DIR: bundles the ECharts that brief embeds (entry.js: only what
# brief draws) with the esbuild pinned in package-lock.json, into
# DIR/echarts.min.js, and writes its licenses to DIR/echarts.LICENSE.txt.
# `make echarts` runs it into templates/assets/; a test runs it into a
# temporary folder and compares, so the committed files are never edited by
# hand. Needs `npm ci` first.
set -euo pipefail
out=${1:?usage: build.sh DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
version=$(node -p 'require("./node_modules/echarts/package.json").version')
node_modules/.bin/esbuild scripts/echarts/entry.js --bundle --minify --format=iife --target=es2017 \
  --legal-comments=eof --log-level=warning \
  --banner:js="/*! ECharts $version (Apache-2.0), only the parts brief draws; licenses in echarts.LICENSE.txt */" \
  --outfile="$out/echarts.min.js"
{
  echo "The file echarts.min.js beside this one is a bundle of parts of Apache ECharts $version"
  echo "and of ZRender, made by brief (scripts/echarts/build.sh). Their licenses follow."
  echo
  echo "== Apache ECharts: LICENSE =="
  cat node_modules/echarts/LICENSE
  echo
  echo "== Apache ECharts: NOTICE =="
  cat node_modules/echarts/NOTICE
  echo
  echo "== ZRender: LICENSE =="
  cat node_modules/zrender/LICENSE
} > "$out/echarts.LICENSE.txt"
