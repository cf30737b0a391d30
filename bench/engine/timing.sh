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

# wall_of CMD...: wall-clock seconds of one run.
wall_of() {
  local t
  t=$( { TIMEFORMAT='%3R'; time "$@" >/dev/null 2>&1; } 2>&1 )
  awk -v r="$t" 'BEGIN{printf "%.4f", r}'
}

# best_both REPEATS CMD...: "CPU WALL", the lowest CPU-seconds and the lowest wall seconds of REPEATS runs.
best_both() {
  local n=$1; shift; local bc="" bw=""
  for _ in $(seq 1 "$n"); do
    local t u s r c
    t=$( { TIMEFORMAT='%3U %3S %3R'; time "$@" >/dev/null 2>&1; } 2>&1 )
    read -r u s r <<<"$t"
    c=$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.4f", u+s}')
    r=$(awk -v r="$r" 'BEGIN{printf "%.4f", r}')
    if [ -z "$bc" ] || awk -v a="$c" -v b="$bc" 'BEGIN{exit !(a<b)}'; then bc=$c; fi
    if [ -z "$bw" ] || awk -v a="$r" -v b="$bw" 'BEGIN{exit !(a<b)}'; then bw=$r; fi
  done
  echo "$bc $bw"
}
