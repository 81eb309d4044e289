#!/usr/bin/env bash
# Times the phases of one brief command: runs it with an execution trace
# (BRIEF_TRACE) and prints each region the build marks (record, pack,
# datasets, briefings with parse and bind, entities, plan, make, publish,
# flush), in the order they began, with its wall time in milliseconds;
# nested regions are indented under the one they ran in. Needs Go (go tool trace).
# Usage: scripts/phases.sh bin/brief build --src DIR ...
set -euo pipefail
tr=$(mktemp)
trap 'rm -f "$tr"' EXIT
start=$(date +%s%N)
BRIEF_TRACE=$tr "$@" >/dev/null
end=$(date +%s%N)
go tool trace -d=parsed "$tr" | awk -v wall=$(( (end - start) / 1000 )) '
  / RegionBegin / || / RegionEnd / {
    for (i = 1; i <= NF; i++) {
      if ($i ~ /^G=/) g = substr($i, 3)
      if ($i ~ /^Time=/) t = substr($i, 6)
      if ($i ~ /^Type=/) { name = substr($i, 7); gsub(/"/, "", name) }
    }
    if ($0 ~ / RegionBegin /) {
      depth[g]++; began[g, name] = t
      if (!(name in order)) { order[name] = ++n; names[n] = name; indent[name] = depth[g] - 1 }
    } else {
      total[name] += t - began[g, name]; depth[g]--
    }
  }
  END {
    for (i = 1; i <= n; i++) {
      pad = ""; for (j = 0; j < indent[names[i]]; j++) pad = pad "  "
      printf "%-14s %8.1f ms\n", pad names[i], total[names[i]] / 1e6
    }
    printf "%-14s %8.1f ms\n", "(process)", wall / 1e3
  }'
