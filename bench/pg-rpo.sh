#!/usr/bin/env bash
# bench/pg-rpo.sh [--keep]
#
# RPO under load (issue 15): what Hindsight's continuous WAL capture costs a PostgreSQL
# workload, and how far the latest restore point trails it. One run, one machine:
#   - "bench": a Hindsight-managed server (its first full done, WAL capture running);
#   - "plain": a server initdb'd here with the same settings (every setting the managed server
#     has from its configuration files, except ports, paths and archiving) and no WAL consumer;
#   - pgbench -i -s $SCALE on both, then ROUNDS rounds of $LOAD_SECONDS s of pgbench at full
#     speed ($CLIENTS clients, -j 2) on each, alternating which goes first (each after a
#     CHECKPOINT); the tps of each, and the daemon's CPU over the managed server's loads
#     (its process plus the children it waited for, /proc/PID/stat);
#   - one more load on the managed server with the latest restore point sampled every
#     SAMPLE_MS from GET /api/v1/servers/bench (bench/lib/rpo-sampler.py): lag = time of the read - the
#     server's latest restore point (p50 / p99 / max). It runs apart from the tps rounds: the
#     sampling itself costs the daemon CPU.
# No anchor tool: the baseline is the same workload with no capture. Writes
# bench/out/pg-rpo-results.md. Run by hand as root; ~3 min plus (2 * ROUNDS + 1) * LOAD_SECONDS.
#
# Environment: SCALE (50), LOAD_SECONDS (60), CLIENTS (4), ROUNDS (3), SAMPLE_MS (100),
#   BENCH_DIR (parent of the work directory, /tmp), OUT_DIR (bench/out),
#   HINDSIGHT_SERVE_JAVA_OPTS (JVM options for the daemon only, e.g. a flight recording)
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
SCALE=${SCALE:-50}
LOAD_SECONDS=${LOAD_SECONDS:-60}
CLIENTS=${CLIENTS:-4}
ROUNDS=${ROUNDS:-3}
SAMPLE_MS=${SAMPLE_MS:-100}
OUT_DIR=${OUT_DIR:-$ROOT/bench/out}
HINDSIGHT_BIN=${HINDSIGHT_BIN:-}
ANCHOR_PG_CONF=
CMDLINE="SCALE=$SCALE LOAD_SECONDS=$LOAD_SECONDS CLIENTS=$CLIENTS ROUNDS=$ROUNDS SAMPLE_MS=$SAMPLE_MS bench/pg-rpo.sh${*:+ $*}"

# shellcheck source=lib/common.sh
source "$ROOT/bench/lib/common.sh"
bench_options "$@"
run_anchor=0

# ---------------------------------------------------------------------------------------
# the plain server: same settings, nobody reading its WAL
# ---------------------------------------------------------------------------------------
P_PORT=5499
p_sql() { as_pg "$PGBIN/psql" -X -h "$P/sock" -p "$P_PORT" -U postgres -d postgres -Atq -v ON_ERROR_STOP=1 -c "$1"; }
p_pgbench() { as_pg "$PGBIN/pgbench" -h "$P/sock" -p "$P_PORT" -U postgres "$@" postgres; }

# settings the managed server has from its configuration files, as postgresql.conf lines,
# without what places it (ports, paths, addresses) or feeds its WAL somewhere (archiving)
managed_settings() {
  h_sql "select name || ' = ' || quote_literal(current_setting(name))
         from pg_settings where source = 'configuration file'
          and name not in ('port', 'listen_addresses', 'unix_socket_directories', 'unix_socket_permissions',
                           'data_directory', 'hba_file', 'ident_file', 'config_file', 'external_pid_file',
                           'archive_mode', 'archive_command', 'restore_command', 'cluster_name',
                           'ssl', 'ssl_cert_file', 'ssl_key_file', 'ssl_ca_file',
                           'log_directory', 'log_filename', 'logging_collector', 'log_destination')
          and name not like 'lc\_%' order by name"
}

plain_start() {
  P=$WORK/plain
  mkdir -p "$P/sock"
  chown -R postgres:postgres "$P"
  as_pg "$PGBIN/initdb" -D "$P/pgdata" --data-checksums -U postgres --auth=trust >"$P/initdb.log" 2>&1
  { echo "port = $P_PORT"; echo "listen_addresses = ''"; echo "unix_socket_directories = '$P/sock'"
    managed_settings; } | as_pg tee -a "$P/pgdata/postgresql.conf" >"$P/settings-copied.conf"
  as_pg "$PGBIN/pg_ctl" -D "$P/pgdata" -l "$P/pg.log" -w start >/dev/null
  record plain_settings "$(p_sql "$SETTINGS_SQL")"
  log "plain: pgbench -i -s $SCALE"
  p_pgbench -i -s "$SCALE" -q >"$P/pgbench-init.log" 2>&1
}

plain_stop() {
  [[ -f ${P:-/nonexistent}/pgdata/postmaster.pid ]] || return 0
  as_pg "$PGBIN/pg_ctl" -D "$P/pgdata" -m immediate -w stop >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------------------------------
# loads
# ---------------------------------------------------------------------------------------
# load SQL_FN PGBENCH_FN: a checkpoint, then the load; prints its tps
load() {
  local sql=$1 pgb=$2 out
  $sql "checkpoint" >/dev/null
  out=$($pgb -n -c "$CLIENTS" -j 2 -T "$LOAD_SECONDS" 2>&1) || { echo "$out" >&2; return 1; }
  sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out" | head -1 | awk '{ printf "%.0f\n", $1 }'
}

# thread_ticks PID: "<thread name> <utime + stime> <stime>" per thread of the process (names with their
# numbers cut off, so that one server's capture thread is one line however it is numbered; the
# fields are counted after the name's closing parenthesis, as a name may hold spaces)
thread_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    awk -v name="$(sed -E 's/-[0-9a-f]+$//; s/[0-9]+$//' "$t/comm" 2>/dev/null)" '{ sub(/.*\) /, ""); print name, $12 + $13, $13 }' "$t/stat" 2>/dev/null
  done
}

# hs_load: load() on the managed server, with the daemon's CPU over it in $WORK/cpu-s and
# per thread (and the children it waited for) in $WORK/threads-*
hs_load() {
  local c0 c1 k0 k1 tps
  c0=$(cpu_ticks "$HS_PID"); k0=$(child_ticks "$HS_PID")
  thread_ticks "$HS_PID" >"$WORK/threads-before"
  tps=$(load h_sql h_pgbench)
  thread_ticks "$HS_PID" >"$WORK/threads-after"
  c1=$(cpu_ticks "$HS_PID"); k1=$(child_ticks "$HS_PID")
  ticks_s $(( c1 - c0 )) >>"$WORK/cpu-s"; echo >>"$WORK/cpu-s"
  # per thread name: ticks after - before (a thread that ended meanwhile is not counted)
  { awk '{ s = $NF; n = $(NF - 1); $NF = ""; $(NF - 1) = ""; sub(/ +$/, ""); d[$0] -= n; ds[$0] -= s }
         END { for (k in d) print k "\t" d[k] "\t" ds[k] }' "$WORK/threads-before"
    awk '{ s = $NF; n = $(NF - 1); $NF = ""; $(NF - 1) = ""; sub(/ +$/, ""); print $0 "\t" n "\t" s }' "$WORK/threads-after"
    printf 'child processes\t%s\t0\n' $(( k1 - k0 ))
  } >>"$WORK/threads-delta"
  echo "$tps"
}

# the daemon's threads by CPU over all managed loads: "name s (system s), …" (the largest 8)
thread_report() {
  awk -F'\t' -v hz="$(getconf CLK_TCK)" '{ d[$1] += $2; ds[$1] += $3 }
      END { for (k in d) if (d[k] > 0) printf "%.1f\t%s\t%.1f\n", d[k] / hz, k, ds[k] / hz }' "$WORK/threads-delta" |
    sort -rn | head -8 | awk -F'\t' '{ printf "%s%s %s s (system %s)", (NR > 1 ? ", " : ""), $2, $1, $3 }'
}

# caught_up: the managed server's latest restore point is within 2 s of now
caught_up() {
  local latest
  latest=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$URL/api/v1/servers/bench" | jq -r '.latestRestorePoint // empty')
  [[ -n $latest ]] && (( $(date +%s) - $(date -d "$latest" +%s) < 2 ))
}

# percentiles of the lags (second column) in FILE: "p50 / p99 / max (N samples, M unknown)"
lag_stats() {
  awk '$2 == "nan" { unknown++; next } { print $2 }' "$1" | sort -g | awk -v unknown="$(grep -c ' nan$' "$1" || true)" '
    { v[NR] = $1 }
    END { if (NR == 0) { print "no samples"; exit }
          p50 = v[int(NR * 0.50 + 0.999)]; p99 = v[int(NR * 0.99 + 0.999)]
          printf "%.2f / %.2f / %.2f (%d samples, %d without a latest point)", p50, p99, v[NR], NR, unknown }'
}

run_hindsight() {
  hs_begin
  trap 'plain_stop; hs_cleanup' EXIT
  plain_start
  URL=http://127.0.0.1:$(jq -r '.port // empty' "$HS_HOME/daemon.json")
  [[ $URL =~ :[0-9]+$ ]] || die "no port in $HS_HOME/daemon.json"
  TOKEN=$(cat "$HS_HOME/daemon.token")
  wait_until 300 "the capture to catch up with pgbench -i" caught_up

  local r plain_tps hs_tps
  : >"$WORK/cpu-s"; : >"$WORK/threads-delta"; : >"$WORK/plain-tps"; : >"$WORK/hs-tps"
  for r in $(seq 1 "$ROUNDS"); do
    if (( r % 2 )); then
      log "round $r: plain, then managed"
      plain_tps=$(load p_sql p_pgbench); hs_tps=$(hs_load)
    else
      log "round $r: managed, then plain"
      hs_tps=$(hs_load); plain_tps=$(load p_sql p_pgbench)
    fi
    log "round $r: plain $plain_tps tps, managed $hs_tps tps"
    echo "$plain_tps" >>"$WORK/plain-tps"; echo "$hs_tps" >>"$WORK/hs-tps"
    wait_until 120 "the capture to catch up" caught_up
  done
  record plain_tps "$(paste -sd' ' "$WORK/plain-tps")"
  record hs_tps "$(paste -sd' ' "$WORK/hs-tps")"
  record cpu_s "$(grep . "$WORK/cpu-s" | paste -sd' ')"
  record threads "$(thread_report)"

  log "RPO: one more load on the managed server, the latest restore point sampled every ${SAMPLE_MS} ms"
  python3 "$ROOT/bench/lib/rpo-sampler.py" "$URL" "$TOKEN" bench "$(awk -v m="$SAMPLE_MS" 'BEGIN { print m / 1000 }')" \
    "$WORK/lag" &
  local sampler=$!
  sleep 1
  record rpo_tps "$(load h_sql h_pgbench)"
  kill -TERM "$sampler"; wait "$sampler" || true
  record rpo_lag "$(lag_stats "$WORK/lag")"
  record version "$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')"
}

report() {
  # shellcheck disable=SC1091
  source "$WORK/results.env"
  local md=$OUT_DIR/pg-rpo-results.md cost
  mkdir -p "$OUT_DIR"
  # the capture's cost: 1 - (median managed tps / median plain tps), per cent
  med() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
  cost=$(awk -v h="$(med <<<"${hs_tps:-}")" -v p="$(med <<<"${plain_tps:-}")" \
         'BEGIN { if (p > 0 && h > 0) printf "%.1f", 100 * (1 - h / p); else print "–" }')
  {
    echo "# PostgreSQL under load: the capture's cost and the latest restore point's lag"
    echo
    echo "Command: \`$CMDLINE\`"
    echo
    echo "Run $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, Hindsight ${version:-?}; \`pgbench -i -s $SCALE\`, loads of" \
         "${LOAD_SECONDS} s \`pgbench -n -c $CLIENTS -j 2\` at full speed. Settings: managed ${hindsight_settings:-?};" \
         "plain ${plain_settings:-?}."
    echo
    echo "| measure | figure | goal |"
    echo "|---|---|---|"
    echo "| plain server, tps per round | ${plain_tps:-–} | |"
    echo "| managed server (WAL captured), tps per round | ${hs_tps:-–} | |"
    echo "| the capture's cost, 1 − median managed / median plain, % | $cost | < 5 |"
    echo "| daemon CPU per managed load, s (of ${LOAD_SECONDS} s) | ${cpu_s:-–} | |"
    echo "| … by thread, summed over those loads (child processes: their system time not split off) | ${threads:-–} | |"
    echo "| latest restore point's lag under load, s (p50 / p99 / max; every ${SAMPLE_MS} ms; that load ${rpo_tps:-–} tps) | ${rpo_lag:-–} | p99 ≤ 1 |"
  } >"$md"
  cat "$md"
  log "written: $md"
}

bench_main
