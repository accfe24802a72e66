#!/usr/bin/env bash
# compare_dot.sh - NetForge's layered layout vs Graphviz dot on identical graphs.
#
#   tests/layout/bench/compare_dot.sh [path/to/layout_bench]
#   env: FAMILIES="transformer encoder densenet random"  SIZES="1000 3000 10000"
#        TIMEOUT=300 (seconds per dot run)  WORK=/tmp/nf-compare-dot
#
# For every family and size: layout_bench writes the synthetic graph (without ports:
# dot's boxes have none, so both solve the same problem) as a graph file and as DOT
# with the same box sizes and separations; layout_bench lays it out (median CPU time
# of 3 runs) and writes the drawing in dot's -Tplain format; `dot -Tplain` runs with
# a timeout. Both drawings then go through the same crossing counter
# (layout_bench --count-plain: edge pairs crossing between consecutive node levels).
# Times are CPU seconds (user + sys), so a busy machine does not skew the ratio; dot's
# wall time is printed too. Prints one row per graph; asserts nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bench=${1:-${BENCH:-$here/../../../build-layout/layout_bench}}
FAMILIES=${FAMILIES:-"transformer encoder densenet random"}
SIZES=${SIZES:-"1000 3000 10000"}
TIMEOUT=${TIMEOUT:-300}
WORK=${WORK:-/tmp/nf-compare-dot}

[[ -x "$bench" ]] || { echo "compare_dot.sh: no layout_bench at $bench (build target layout_bench)" >&2; exit 1; }
command -v dot > /dev/null || { echo "compare_dot.sh: Graphviz dot not found (apt-get install graphviz)" >&2; exit 1; }
mkdir -p "$WORK"

printf '%-18s %7s %7s | %10s %10s %10s %9s | %10s %10s %7s\n' \
  graph nodes edges nf_cpu_s dot_cpu_s dot_wall_s speedup nf_cross dot_cross ratio
for fam in $FAMILIES; do
  for size in $SIZES; do
    name="$fam-$size"
    g="$WORK/$name.graph"
    "$bench" --write-graph "$fam" "$size" "$g" --no-ports > /dev/null
    "$bench" --write-dot "$g" "$WORK/$name.dot"
    read -r nodes edges < <(awk 'NR==2 { print $2, $4 }' "$g")

    # Ours: the row printed by --layout ends with wall_ms cpu_ms steps max_step.
    nf_cpu_ms=$("$bench" --layout "$g" --repeat 3 --plain "$WORK/$name.nf.plain" | awk 'NR==2 { print $(NF - 2) }')
    nf_cross=$("$bench" --count-plain "$WORK/$name.nf.plain")
    nf_cpu_s=$(awk -v ms="$nf_cpu_ms" 'BEGIN { printf "%.4f", ms / 1000 }')

    # dot: CPU and wall time from GNU time; a timeout leaves no drawing.
    rm -f "$WORK/$name.dot.plain"
    if /usr/bin/time -f '%U %S %e' -o "$WORK/$name.time" \
         timeout "$TIMEOUT" dot -Tplain "$WORK/$name.dot" -o "$WORK/$name.dot.plain" 2> "$WORK/$name.dot.err"; then
      read -r user sys wall < "$WORK/$name.time"
      dot_cpu_s=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
      dot_wall_s=$wall
      dot_cross=$("$bench" --count-plain "$WORK/$name.dot.plain")
      speedup=$(awk -v d="$dot_cpu_s" -v n="$nf_cpu_s" 'BEGIN { printf "%.0fx", (n > 0 ? d / n : 0) }')
      ratio=$(awk -v a="$nf_cross" -v b="$dot_cross" 'BEGIN { if (b > 0) printf "%.3f", a / b; else printf "%s", (a == 0 ? "1.000" : "inf") }')
    else
      dot_cpu_s="timeout"; dot_wall_s=">$TIMEOUT"; dot_cross="-"; speedup="-"; ratio="-"
    fi
    printf '%-18s %7s %7s | %10s %10s %10s %9s | %10s %10s %7s\n' \
      "$name" "$nodes" "$edges" "$nf_cpu_s" "$dot_cpu_s" "$dot_wall_s" "$speedup" "$nf_cross" "$dot_cross" "$ratio"
  done
done
