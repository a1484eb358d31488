# bench/lib/common.sh: what every benchmark here shares. Sourced, never run.
# The caller sets ROOT, PGBIN, OUT_DIR, HINDSIGHT_BIN, ANCHOR_PG_CONF and CMDLINE, calls
# bench_options "$@", and defines run_anchor / run_hindsight / report; bench_main runs them.
# The pgBackRest side lives in $WORK/pgbr (stanza "bench", port $A_PORT), the Hindsight side in
# $WORK/hindsight-home (server "bench"); each half runs in a subshell and cleans up after itself.
# BENCH_STORE (the caller may set it; default fs) is where both tools keep their repository:
#   fs  a directory: $WORK/pgbr/repo, $WORK/hindsight-home/repository
#   s3  an S3 bucket of an S3Proxy started for the half (bench/lib/s3proxy.sh), its data in
#       $WORK/s3-anchor or $WORK/s3-hindsight; nothing of the repository on the filesystem

# shellcheck source=s3proxy.sh
source "$(dirname "${BASH_SOURCE[0]}")/s3proxy.sh"

# bench_options ARGS...: --anchor-only | --hindsight-only | --keep | --help (the script's header)
bench_options() {
  run_anchor=1 run_hindsight=1 keep=0
  local arg
  for arg in "$@"; do
    case $arg in
      --anchor-only) run_hindsight=0 ;;
      --hindsight-only) run_anchor=0 ;;
      --keep) keep=1 ;;
      -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
      *) echo "unknown option: $arg (try --help)" >&2; exit 2 ;;
    esac
  done
}

# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------
log() { printf '%s bench: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
as_pg() { runuser -u postgres -- "$@"; }
# a process's CPU from /proc/PID/stat, in clock ticks: cpu_ticks = utime + stime + cutime + cstime
# (its own and that of the children it waited for), child_ticks = cutime + cstime; ticks_s T: in seconds
cpu_ticks() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat"; }
child_ticks() { awk '{ print $16 + $17 }' "/proc/$1/stat"; }
ticks_s() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }'; }
# record KEY VALUE: results of a side (each side runs in a subshell; the file survives it)
record() { printf '%s=%q\n' "$1" "$2" >>"$WORK/results.env"; }

SETTINGS_SQL="select string_agg(name || '=' || current_setting(name), ', ' order by name) from pg_settings
              where name in ('shared_buffers','max_wal_size','checkpoint_timeout','wal_compression','full_page_writes','synchronous_commit')"

# wait_until DEADLINE_S DESCRIPTION CMD...: poll CMD every 0.2 s until it succeeds
wait_until() {
  local limit=$1 what=$2; shift 2
  local end=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    (( $(date +%s) < end )) || { log "timed out after ${limit}s waiting for $what"; return 1; }
    sleep 0.2
  done
}


# ---------------------------------------------------------------------------------------
# pgBackRest (the anchor)
# ---------------------------------------------------------------------------------------
A_PORT=5499 A_RPORT=5500
A_BUCKET=pgbackrest
# where the stanza's repository is on disk, to measure it with du (s3: S3Proxy's files of the bucket)
anchor_repo_dir() {
  if [[ ${BENCH_STORE:-fs} == s3 ]]; then echo "$WORK/s3-anchor/data/$A_BUCKET/pgbackrest"; else echo "$A/repo"; fi
}
# the repository lines of pgbackrest.conf
anchor_repo_conf() {
  if [[ ${BENCH_STORE:-fs} == s3 ]]; then
    # pgBackRest speaks only HTTPS to S3; S3Proxy's certificate is self-signed
    cat <<EOF
repo1-type=s3
repo1-path=/pgbackrest
repo1-s3-bucket=$A_BUCKET
repo1-s3-endpoint=127.0.0.1
repo1-storage-port=$S3_TLS_PORT
repo1-storage-verify-tls=n
repo1-s3-uri-style=path
repo1-s3-region=$S3_REGION
repo1-s3-key=$S3_ACCESS
repo1-s3-key-secret=$S3_SECRET
EOF
  else
    echo "repo1-path=$A/repo"
  fi
}
anchor_conf() { echo "--config=$A/pgbackrest.conf"; }
pgbr() { as_pg pgbackrest "$(anchor_conf)" --stanza=bench "$@"; }
a_sql() { as_pg "$PGBIN/psql" -X -h "$A/sock" -p "$A_PORT" -U postgres -d postgres -Atq -v ON_ERROR_STOP=1 -c "$1"; }
a_rsql() { as_pg "$PGBIN/psql" -X -h "$A/sock" -p "$A_RPORT" -U postgres -d postgres -Atq -v ON_ERROR_STOP=1 -c "$1"; }
a_pgbench() { as_pg "$PGBIN/pgbench" -h "$A/sock" -p "$A_PORT" -U postgres "$@" postgres; }

anchor_setup() {
  A=$WORK/pgbr
  mkdir -p "$A"/{sock,log,repo,spool,spool-restore,lock}
  chown -R postgres:postgres "$A"
  as_pg tee "$A/pgbackrest.conf" >/dev/null <<EOF
[global]
$(anchor_repo_conf)
repo1-retention-full=2
log-path=$A/log
lock-path=$A/lock
spool-path=$A/spool
log-level-console=warn
log-level-file=detail
compress-type=zst
process-max=2
start-fast=y
archive-async=y

[bench]
pg1-path=$A/pgdata
pg1-port=$A_PORT
pg1-socket-path=$A/sock
EOF
  as_pg "$PGBIN/initdb" -D "$A/pgdata" --data-checksums -U postgres --auth=trust >"$A/initdb.log" 2>&1
  as_pg tee -a "$A/pgdata/postgresql.conf" >/dev/null <<EOF
port = $A_PORT
listen_addresses = ''
unix_socket_directories = '$A/sock'
wal_level = replica
archive_mode = on
archive_command = 'pgbackrest --config=$A/pgbackrest.conf --stanza=bench archive-push %p'
max_wal_senders = 3
EOF
  [[ -z $ANCHOR_PG_CONF ]] || printf '%b\n' "$ANCHOR_PG_CONF" | as_pg tee -a "$A/pgdata/postgresql.conf" >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$A/pgdata" -l "$A/pg.log" -w start >/dev/null
  pgbr stanza-create
  pgbr check
  record anchor_settings "$(a_sql "$SETTINGS_SQL")"
}


# anchor_begin: the pgBackRest half's start (in its subshell): cleanup on exit, a stanza on a
# new source server, pgbench -i -s $SCALE
anchor_begin() {
  trap anchor_cleanup EXIT
  trap 'exit 130' INT TERM
  record anchor_version "$(pgbackrest version)"
  [[ ${BENCH_STORE:-fs} != s3 ]] || s3proxy_start "$WORK/s3-anchor" "$A_BUCKET"
  anchor_setup
  log "anchor: pgbench -i -s $SCALE"
  a_pgbench -i -s "$SCALE" -q >"$A/pgbench-init.log" 2>&1
}

anchor_cleanup() {
  # S3Proxy last: the servers' archive_command and pgbackrest stop may still talk to it
  [[ -n ${A:-} && -d ${A:-/nonexistent} ]] || { s3proxy_stop "${WORK:-/nonexistent}/s3-anchor"; return 0; }
  local d
  for d in "$A/restore" "$A/pgdata"; do
    [[ -f $d/postmaster.pid ]] && as_pg "$PGBIN/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1 || true
  done
  # the async archive-push process of this stanza, if still running
  [[ -f $A/pgbackrest.conf ]] && pgbr stop --force >/dev/null 2>&1 || true
  s3proxy_stop "$WORK/s3-anchor"
}

# ---------------------------------------------------------------------------------------
# Hindsight (through its CLI; keep every CLI detail in these functions)
# ---------------------------------------------------------------------------------------
HS_ADMIN_PASSWORD=bench-password   # the CLI wants 8-128 characters
hs() { HINDSIGHT_HOME=$HS_HOME "$HINDSIGHT_BIN" "$@"; }
h_sql() { "$PGBIN/psql" -X -d "$HS_URI" -Atq -v ON_ERROR_STOP=1 -c "$1"; }
h_rsql() { "$PGBIN/psql" -X -d "$HS_R_URI" -Atq -v ON_ERROR_STOP=1 -c "$1"; }
h_pgbench() { "$PGBIN/pgbench" "$@" "$HS_URI"; }
# backup list as a JSON array, whatever it is wrapped in
# hs_backups [SERVER]: the server's backups (default: bench) as a JSON array
hs_backups() { hs backup list --server "${1:-bench}" --output json | jq -c 'if type == "array" then . else (.backups // .items // []) end'; }
hs_uri() { hs server show-connection-string --name "$1" | grep -Eo 'postgres(ql)?://[^[:space:]]+' | head -1; }

H_BUCKET=hindsight
# where the repository is on disk, to measure it with du (s3: S3Proxy's files of the bucket)
hs_repo_dir() {
  if [[ ${BENCH_STORE:-fs} == s3 ]]; then echo "$WORK/s3-hindsight/data/$H_BUCKET"; else echo "$HS_HOME/repository"; fi
}

# s3: the storage configuration the daemon reads at its start: one S3 site, the only site of the
# primary region, so servers get `local` redundancy (one copy, as pgBackRest's one repository)
# and nothing of the repository is on the filesystem.
hs_write_storage_config() {
  (umask 077; jq -n --arg endpoint "http://127.0.0.1:$S3_PORT" --arg bucket "$H_BUCKET" \
      --arg access "$S3_ACCESS" --arg secret "$S3_SECRET" --arg s3region "$S3_REGION" \
      '{region: "primary", sites: [{name: "s3", type: "s3", region: "primary", endpoint: $endpoint,
        bucket: $bucket, pathStyle: true, accessKey: $access, secretKey: $secret, s3Region: $s3region}]}' \
      >"$HS_HOME/storage.json")
}

hs_start_daemon() {
  HS_HOME=$WORK/hindsight-home
  mkdir -p "$HS_HOME"
  [[ ${BENCH_STORE:-fs} != s3 ]] || hs_write_storage_config
  export HINDSIGHT_PASSPHRASE=${HINDSIGHT_PASSPHRASE:-bench-passphrase-not-a-secret}
  log "hindsight: starting the daemon (HINDSIGHT_HOME=$HS_HOME)"
  # HINDSIGHT_SERVE_JAVA_OPTS: JVM options for the daemon only, e.g. a flight recording of it
  HINDSIGHT_HOME=$HS_HOME HINDSIGHT_JAVA_OPTS="${HINDSIGHT_JAVA_OPTS:-} ${HINDSIGHT_SERVE_JAVA_OPTS:-}" \
    "$HINDSIGHT_BIN" serve >"$WORK/hindsight-serve.log" 2>&1 &
  HS_PID=$!
  echo "$HS_PID" >"$WORK/hindsight.pid"
  wait_until 120 "hindsight serve to answer" hs_daemon_ready || {
    tail -20 "$WORK/hindsight-serve.log" >&2; return 1; }
}
hs_daemon_ready() { kill -0 "$HS_PID" 2>/dev/null && HINDSIGHT_HOME=$HS_HOME timeout 30 "$HINDSIGHT_BIN" server list; }

hs_create_server() {
  local json port
  log "hindsight: server create bench"
  # MAX_REPLAY: the server's replay budget (--max-replay), else Hindsight's default
  json=$(hs server create --name bench --engine postgres --admin-user bench --admin-password "$HS_ADMIN_PASSWORD" \
         ${MAX_REPLAY:+--max-replay "$MAX_REPLAY"} --output json)
  port=$(jq -r '.port // empty' <<<"$json")
  HS_URI=$(hs_uri bench)
  [[ -n $HS_URI ]] || die "hindsight: no connection string for bench"
  log "hindsight: bench is on port ${port:-?}: $HS_URI"
  record hindsight_settings "$(h_sql "$SETTINGS_SQL")"
}

# WAIT_S: wait until no backup is RUNNING and the newest one is COMPLETED; fail on FAILED
hs_wait_backups() {
  local limit=$1 end=$(( $(date +%s) + $1 )) st
  while :; do
    st=$(hs_backups | jq -r 'sort_by(.startedAt) | if length == 0 then "NONE"
            elif any(.[]; .status == "RUNNING") then "RUNNING" else last.status end') || st="(backup list failed)"
    case $st in
      COMPLETED) return 0 ;;
      FAILED) hs_backups >&2; die "hindsight: backup FAILED" ;;
    esac
    (( $(date +%s) < end )) || die "hindsight: backups still $st after ${limit}s"
    sleep 1
  done
}


# hs_begin: the Hindsight half's start (in its subshell): cleanup on exit, the daemon, server
# "bench" once its first full backup is done, pgbench -i -s $SCALE
hs_begin() {
  trap hs_cleanup EXIT
  trap 'exit 130' INT TERM
  record hindsight_version "$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')"
  [[ ${BENCH_STORE:-fs} != s3 ]] || s3proxy_start "$WORK/s3-hindsight" "$H_BUCKET"
  hs_start_daemon
  hs_create_server
  log "hindsight: waiting for the first (automatic) full backup"
  hs_wait_backups 900
  log "hindsight: pgbench -i -s $SCALE"
  h_pgbench -i -s "$SCALE" -q >"$WORK/hindsight-pgbench-init.log" 2>&1
}

hs_cleanup() {
  # S3Proxy last: deleting the servers removes their objects from it
  [[ -n ${HS_HOME:-} && -d ${HS_HOME:-/nonexistent} ]] || { s3proxy_stop "${WORK:-/nonexistent}/s3-hindsight"; return 0; }
  if [[ -n ${HS_PID:-} ]] && kill -0 "$HS_PID" 2>/dev/null; then
    HINDSIGHT_HOME=$HS_HOME timeout 120 "$HINDSIGHT_BIN" server delete --name bench-r >/dev/null 2>&1 || true
    HINDSIGHT_HOME=$HS_HOME timeout 120 "$HINDSIGHT_BIN" server delete --name bench >/dev/null 2>&1 || true
    kill -TERM "$HS_PID" 2>/dev/null || true
    local _; for _ in $(seq 1 100); do kill -0 "$HS_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$HS_PID" 2>/dev/null || true
  fi
  # database servers the daemon may have left running under its home
  local pidfile dir
  while IFS= read -r pidfile; do
    dir=$(dirname "$pidfile")
    runuser -u "$(stat -c %U "$dir")" -- "$PGBIN/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null 2>&1 || true
  done < <(find "$HS_HOME" -name postmaster.pid 2>/dev/null)
  s3proxy_stop "$WORK/s3-hindsight"
}

# The jar just built, copied into the work directory: bin/hindsight would rebuild when someone
# edits src/ during the run, and a Maven build inside a timed command spoils the figure. The
# commands still start through bin/hindsight, with its JVM options and class-data archive.
pin_hindsight_jar() {
  local built=$ROOT/${HINDSIGHT_BUILD_DIR:-target}/hindsight.jar
  [[ -f $built ]] || die "no $built (scripts/setup should have built it)"
  cp "$built" "$WORK/hindsight.jar"
  cat >"$WORK/hindsight" <<EOF
#!/usr/bin/env bash
HINDSIGHT_JAR="$WORK/hindsight.jar" exec "$ROOT/bin/hindsight" "\$@"
EOF
  chmod 755 "$WORK/hindsight"
  HINDSIGHT_BIN=$WORK/hindsight
}

# ---------------------------------------------------------------------------------------
bench_main() {
  (( EUID == 0 )) || die "run as root (PostgreSQL commands run as the postgres OS user through runuser)"
  if (( run_hindsight )) && [[ -z $HINDSIGHT_BIN ]]; then
    "$ROOT/scripts/setup" --bench
  else
    "$ROOT/scripts/setup" --bench --no-build
  fi
  WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/hindsight-bench.XXXXXX")
  chmod 755 "$WORK"
  : >"$WORK/results.env"
  LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
  trap 'main_cleanup' EXIT
  trap 'exit 130' INT TERM
  log "work directory $WORK; $CMDLINE"
  [[ ${BENCH_STORE:-fs} != s3 ]] || s3proxy_prepare
  (( run_hindsight )) && [[ -z $HINDSIGHT_BIN ]] && pin_hindsight_jar

  local failed=0 rc
  if (( run_anchor )); then
    set +e; ( set -e; run_anchor ); rc=$?; set -e
    (( rc == 0 )) || { log "pgBackRest half FAILED (exit $rc)"; failed=1; }
  fi
  if (( run_hindsight )); then
    set +e; ( set -e; run_hindsight ); rc=$?; set -e
    (( rc == 0 )) || { log "Hindsight half FAILED (exit $rc)"; failed=1; }
  fi
  report
  return $failed
}

main_cleanup() {
  local rc=$?
  # Each half cleans up after itself in its subshell; this catches what an interrupted one left.
  if [[ -n ${WORK:-} && -d $WORK ]]; then
    A=$WORK/pgbr HS_HOME=$WORK/hindsight-home HS_PID=$(cat "$WORK/hindsight.pid" 2>/dev/null || true)
    anchor_cleanup 2>/dev/null || true
    hs_cleanup 2>/dev/null || true
  fi
  if [[ -n ${WORK:-} && -d $WORK ]]; then
    if (( keep )); then log "kept $WORK"; else rm -rf "$WORK"; fi
  fi
  exit $rc
}
