#!/usr/bin/env bash
# bench/many-servers.sh [--keep]
#
# One daemon with many idle managed servers (issue 15's "many servers"): N_PG PostgreSQL and
# N_MARIADB MariaDB servers (burstable tier), each protected (first full backup done, log
# capture running), then IDLE_SECONDS with no client at all. Measured, no anchor (the goals are
# absolute: under 5 % of one core, under 1 GiB, answers under 200 ms):
#   - the daemon's CPU over the idle window: utime + stime of its process and of the children it
#     waited for (pg_waldump, mariadb-backup …) from /proc/PID/stat, as a share of one core;
#     the database servers' own processes are not the daemon's and are not counted
#   - its resident memory: VmRSS sampled every 5 s (the largest), VmHWM at the end
#   - GET /metrics and GET /api/v1/servers (curl, the admin token: the daemon's part of
#     `server list`), and `server list` (the whole CLI command), REPEAT times each after the idle
#     window: min / median / max in ms
# Writes bench/out/many-servers-results.md. Run by hand as root; ~4 min plus IDLE_SECONDS.
#
# Environment: N_PG (10), N_MARIADB (10), IDLE_SECONDS (600), REPEAT (20),
#   BENCH_DIR (parent of the work directory, /tmp), OUT_DIR (bench/out)
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
N_PG=${N_PG:-10}
N_MARIADB=${N_MARIADB:-10}
IDLE_SECONDS=${IDLE_SECONDS:-600}
REPEAT=${REPEAT:-20}
OUT_DIR=${OUT_DIR:-$ROOT/bench/out}
HINDSIGHT_BIN=${HINDSIGHT_BIN:-}
CMDLINE="N_PG=$N_PG N_MARIADB=$N_MARIADB IDLE_SECONDS=$IDLE_SECONDS REPEAT=$REPEAT bench/many-servers.sh${*:+ $*}"

# shellcheck source=lib/common.sh
source "$ROOT/bench/lib/common.sh"
bench_options "$@"
run_anchor=0

servers() {
  local i
  for i in $(seq -w 1 "$N_PG"); do echo "pg-$i postgres"; done
  for i in $(seq -w 1 "$N_MARIADB"); do echo "my-$i mariadb"; done
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

# stats: min / median / max of the numbers on stdin
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%.0f / %.0f / %.0f", v[1], v[int((NR + 1) / 2)], v[NR] }'; }

protected() { # NAME: its newest backup is COMPLETED
  [[ $(hs_backups "$1" | jq -r 'sort_by(.startedAt) | last.status // "NONE"') == COMPLETED ]]
}

many_cleanup() {
  if [[ -n ${HS_PID:-} ]] && kill -0 "$HS_PID" 2>/dev/null; then
    kill -TERM "$HS_PID" 2>/dev/null || true
    local _; for _ in $(seq 1 150); do kill -0 "$HS_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$HS_PID" 2>/dev/null || true
  fi
  hs_cleanup 2>/dev/null || true
  # MariaDB servers of this home (hs_cleanup stops the PostgreSQL ones)
  pkill -KILL -f "mariadbd.*$WORK/" 2>/dev/null || true
}

run_hindsight() {
  trap many_cleanup EXIT
  trap 'exit 130' INT TERM
  record version "$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')"
  hs_start_daemon
  local name engine t0
  t0=$(now)
  while read -r name engine; do
    log "hindsight: server create $name ($engine)"
    hs server create --name "$name" --engine "$engine" --tier burstable --admin-user bench \
       --admin-password "$HS_ADMIN_PASSWORD" >"$WORK/create-$name.log" 2>&1 || {
      cat "$WORK/create-$name.log" >&2; die "server create $name failed"; }
  done < <(servers)
  while read -r name engine; do
    wait_until 600 "$name's first full backup" protected "$name"
  done < <(servers)
  record created_s "$(secs "$t0" "$(now)")"
  log "hindsight: $((N_PG + N_MARIADB)) servers protected; 30 s to settle, then ${IDLE_SECONDS} s idle"
  sleep 30

  # bin/hindsight execs java, so the launcher's pid is the daemon's JVM
  local pid=$HS_PID c0 c1 k0 k1 rss max_rss=0 end elapsed
  c0=$(cpu_ticks "$pid")
  k0=$(child_ticks "$pid")
  t0=$(now)
  end=$(( $(date +%s) + IDLE_SECONDS ))
  while (( $(date +%s) < end )); do
    rss=$(rss_kib "$pid"); (( rss > max_rss )) && max_rss=$rss
    sleep 5
  done
  c1=$(cpu_ticks "$pid")
  k1=$(child_ticks "$pid")
  elapsed=$(secs "$t0" "$(now)")
  record idle_s "$elapsed"
  record cpu_s "$(ticks_s $(( c1 - c0 )))"
  record child_cpu_s "$(ticks_s $(( k1 - k0 )))"
  record cpu_share "$(awk -v c="$(ticks_s $(( c1 - c0 )))" -v s="$elapsed" 'BEGIN { printf "%.2f", 100 * c / s }')"
  record rss_max_mib "$(( max_rss / 1024 ))"
  record hwm_mib "$(( $(hwm_kib "$pid") / 1024 ))"

  local url token i s
  url=http://127.0.0.1:$(jq -r '.port // empty' "$HS_HOME/daemon.json")
  [[ $url =~ :[0-9]+$ ]] || die "no port in $HS_HOME/daemon.json: $(cat "$HS_HOME/daemon.json")"
  token=$(cat "$HS_HOME/daemon.token")
  : >"$WORK/metrics-ms" ; : >"$WORK/api-ms" ; : >"$WORK/list-ms"
  for i in $(seq 1 "$REPEAT"); do
    curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$url/metrics" |
      awk '{ printf "%.1f\n", $1 * 1000 }' >>"$WORK/metrics-ms"
    curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$url/api/v1/servers" |
      awk '{ printf "%.1f\n", $1 * 1000 }' >>"$WORK/api-ms"
    s=$(now); hs server list >/dev/null; secs "$s" "$(now)" | awk '{ printf "%.0f\n", $1 * 1000 }' >>"$WORK/list-ms"
  done
  record metrics_ms "$(stats <"$WORK/metrics-ms")"
  record api_ms "$(stats <"$WORK/api-ms")"
  record list_ms "$(stats <"$WORK/list-ms")"
  record metrics_bytes "$(curl -fsS -H "Authorization: Bearer $token" "$url/metrics" | wc -c)"
}

report() {
  # shellcheck disable=SC1091
  source "$WORK/results.env"
  local md=$OUT_DIR/many-servers-results.md
  mkdir -p "$OUT_DIR"
  {
    echo "# One daemon, many idle servers"
    echo
    echo "Command: \`$CMDLINE\`"
    echo
    echo "Run $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, Hindsight ${version:-?}; $N_PG PostgreSQL and $N_MARIADB MariaDB" \
         "servers (burstable), protected in ${created_s:-?} s; idle window ${idle_s:-?} s."
    echo
    echo "| measure | Hindsight | goal |"
    echo "|---|---|---|"
    echo "| daemon CPU over the idle window, % of one core | ${cpu_share:-–} (${cpu_s:-–} s, ${child_cpu_s:-–} s of it in child processes) | < 5 |"
    echo "| daemon resident memory, MiB (largest sample / VmHWM) | ${rss_max_mib:-–} / ${hwm_mib:-–} | < 1024 |"
    echo "| GET /metrics, ms (min / median / max of $REPEAT; ${metrics_bytes:-?} bytes) | ${metrics_ms:-–} | < 200 |"
    echo "| GET /api/v1/servers (the daemon's part of \`server list\`), ms (min / median / max of $REPEAT) | ${api_ms:-–} | |"
    echo "| \`server list\`, whole command, ms (min / median / max of $REPEAT) | ${list_ms:-–} | < 200 |"
  } >"$md"
  cat "$md"
  log "written: $md"
}

bench_main
