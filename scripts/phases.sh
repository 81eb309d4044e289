#!/usr/bin/env bash
# Times the phases of one brief command: runs it with an execution trace
# (BRIEF_TRACE) and prints each region the build marks (record with read
# and compare, pack, datasets, briefings with parse and bind, entities,
# plan, make, publish, flush; keep in the preview), in the order they
# began, with its wall time in milliseconds; nested regions are indented
# under the one they ran in.
# With -t FILE it reads a trace already taken, such as the preview
# benchmark's (go test ./internal/preview -bench SaveToReload -trace FILE),
# and prints each region's count, mean and median too (a benchmark's first, cold
# build weighs on the mean, not the median). Needs Go (go tool trace).
# Usage: scripts/phases.sh bin/brief build --src DIR ...
#        scripts/phases.sh -t FILE
set -euo pipefail
wall=0
if [ "${1:-}" = -t ]; then
  tr=$2
else
  tr=$(mktemp)
  trap 'rm -f "$tr"' EXIT
  start=$(date +%s%N)
  BRIEF_TRACE=$tr "$@" >/dev/null
  end=$(date +%s%N)
  wall=$(( (end - start) / 1000 ))
fi
go tool trace -d=parsed "$tr" | awk -v wall="$wall" '
  / RegionBegin / || / RegionEnd / {
    for (i = 1; i <= NF; i++) {
      if ($i ~ /^G=/) g = substr($i, 3)
      if ($i ~ /^Time=/) t = substr($i, 6)
      if ($i ~ /^Type=/) { name = substr($i, 7); gsub(/"/, "", name) }
    }
    if ($0 ~ / RegionBegin /) {
      depth[g]++; began[g, name] = t
      if (!(name in order)) { order[name] = ++n; names[n] = name; indent[name] = depth[g] - 1 }
    } else if ((g, name) in began) {
      d = t - began[g, name]
      total[name] += d; count[name]++; depth[g]--; took[name, count[name]] = d
      delete began[g, name]
    }
  }
  # median of the c durations of a region (an insertion sort: mawk has no asort)
  function median(name, c,    k, j, v, a) {
    for (k = 1; k <= c; k++) {
      v = took[name, k]
      for (j = k - 1; j >= 1 && a[j] > v; j--) a[j + 1] = a[j]
      a[j + 1] = v
    }
    return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
  }
  END {
    for (i = 1; i <= n; i++) {
      pad = ""; for (j = 0; j < indent[names[i]]; j++) pad = pad "  "
      c = count[names[i]]
      if (c > 1) printf "%-14s %8.1f ms  (%d, mean %.2f ms, median %.2f ms)\n", pad names[i], total[names[i]] / 1e6, c, total[names[i]] / 1e6 / c, median(names[i], c) / 1e6
      else printf "%-14s %8.1f ms\n", pad names[i], total[names[i]] / 1e6
    }
    if (wall > 0) printf "%-14s %8.1f ms\n", "(process)", wall / 1e3
  }'
