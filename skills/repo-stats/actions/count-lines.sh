#!/usr/bin/env bash
# repo-stats: files and lines per file extension under the workspace, largest first. Read-only.
# Runs from the workspace root given by the runtime (SKILLS_RUNTIME_SDK_WORKSPACE_ROOT).
set -eu
root="${SKILLS_RUNTIME_SDK_WORKSPACE_ROOT:-.}"
limit="${REPO_STATS_LIMIT:-15}"
cd "$root"
find . \( -name .git -o -name node_modules -o -name dist -o -name build -o -name .skills_runtime_sdk \) -prune \
  -o -type f -size -2048k -print0 |
  xargs -0 wc -l 2>/dev/null |
  awk -v limit="$limit" '
    NF < 2 { next }
    $2 == "total" && NF == 2 { next }
    {
      path = $0; sub(/^ *[0-9]+ /, "", path)
      n = split(path, seg, "/"); base = seg[n]
      ext = "(none)"
      if (match(base, /\.[^.]+$/) && RSTART > 1) ext = substr(base, RSTART + 1)
      files[ext]++; lines[ext] += $1; total_files++; total_lines += $1
    }
    END {
      printf "%-12s %8s %10s\n", "extension", "files", "lines"
      fflush()
      cmd = "sort -k3,3nr -k1,1 | head -n " limit
      for (e in files) printf "%-12s %8d %10d\n", e, files[e], lines[e] | cmd
      close(cmd)
      printf "%-12s %8d %10d\n", "total", total_files, total_lines
    }'
