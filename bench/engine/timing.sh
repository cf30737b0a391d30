# Timing helpers sourced by the engine benchmarks.

# cpu_of CMD...: CPU-seconds (user+sys, children included) of one run.
cpu_of() {
  local t
  t=$( { TIMEFORMAT='%3U %3S'; time "$@" >/dev/null 2>&1; } 2>&1 )
  awk -v u="${t% *}" -v s="${t#* }" 'BEGIN{printf "%.4f", u+s}'
}

# best_cpu REPEATS CMD...: the lowest CPU-seconds of REPEATS runs (least disturbed by other load).
best_cpu() {
  local n=$1; shift; local best=""
  for _ in $(seq 1 "$n"); do
    local c; c=$(cpu_of "$@")
    if [ -z "$best" ] || awk -v a="$c" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$c; fi
  done
  echo "$best"
}
