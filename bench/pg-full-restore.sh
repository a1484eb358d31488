#!/usr/bin/env bash
# bench/pg-full-restore.sh [--anchor-only | --hindsight-only] [--keep]
#
# Full backup and point-in-time restore, Hindsight vs pgBackRest (the anchor), in one run on
# the same data and load. Run by hand (as root), never in CI; takes ~10 min at SCALE=50.
#
# Each side gets its own PostgreSQL 15 source server, one after the other, so they never
# compete for the 2 cores:
#   1. pgbench -i -s $SCALE
#   2. a full backup, timed; its size in the repository
#   3. $LOAD_SECONDS s of pgbench load ($CLIENTS clients); a target time T in a quiet
#      moment after it, the checksum of pgbench_accounts at T; then rows are changed
#      after T (so the restore must stop at T, not at the end of the WAL)
#   4. restore to T into a new server, timed until it is promoted (pg_is_in_recovery() = f),
#      and its pgbench_accounts checksum compared with the one recorded at T
# pgBackRest 2.45 (Debian): compress-type=zst, process-max=2, start-fast, archive-async=y,
# restore with its own spool path (shared/anchors/pgbackrest.md). Hindsight: bin/hindsight.
#
# Writes bench/out/results.md (a markdown table with ratios Hindsight / pgBackRest and the
# exact command line) and prints it. Everything it creates (servers, daemon, directories)
# is removed at exit, also on failure or Ctrl-C; --keep keeps the work directory (servers
# are stopped all the same).
#
# Environment: SCALE (50), LOAD_SECONDS (60), CLIENTS (2),
#   RATE         pgbench -R (tps) for the load; unset: no limit, so the WAL to replay depends
#                on how fast each side ran (the tps/WAL line of the report shows it)
#   ANCHOR_PG_CONF  extra postgresql.conf lines for the pgBackRest side's source server,
#                e.g. 'shared_buffers = 256MB\nmax_wal_size = 2GB' (default: none)
#   BENCH_DIR    parent of the work directory (/tmp)
#   OUT_DIR      where results.md goes (bench/out)
#   HINDSIGHT_BIN  the CLI to run (default: the jar that scripts/setup builds, copied into the
#                work directory so that no rebuild happens during the run)
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
SCALE=${SCALE:-50}
LOAD_SECONDS=${LOAD_SECONDS:-60}
CLIENTS=${CLIENTS:-2}
# Extra postgresql.conf lines for the pgBackRest side's source server (\n separates lines).
# Default: none, i.e. PostgreSQL's defaults, which a Hindsight-managed server uses too; the
# report warns when the two sources' settings differ (they change the WAL volume).
ANCHOR_PG_CONF=${ANCHOR_PG_CONF:-}
RATE=${RATE:-}            # pgbench -R: same transaction count on both sides (default: as fast as it goes)
OUT_DIR=${OUT_DIR:-$ROOT/bench/out}
HINDSIGHT_BIN=${HINDSIGHT_BIN:-}
CMDLINE="SCALE=$SCALE LOAD_SECONDS=$LOAD_SECONDS CLIENTS=$CLIENTS${RATE:+ RATE=$RATE}${ANCHOR_PG_CONF:+ ANCHOR_PG_CONF='$ANCHOR_PG_CONF'} bench/pg-full-restore.sh${*:+ $*}"

run_anchor=1 run_hindsight=1 keep=0
for arg in "$@"; do
  case $arg in
    --anchor-only) run_hindsight=0 ;;
    --hindsight-only) run_anchor=0 ;;
    --keep) keep=1 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "unknown option: $arg (try --help)" >&2; exit 2 ;;
  esac
done

# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------
log() { printf '%s bench: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
as_pg() { runuser -u postgres -- "$@"; }
# record KEY VALUE: results of a side (each side runs in a subshell; the file survives it)
record() { printf '%s=%q\n' "$1" "$2" >>"$WORK/results.env"; }

# The checksum of pgbench_accounts: row count, balance sum and a sum of per-row hashes.
CHECKSUM_SQL="select count(*) || '/' || sum(abalance) || '/' || sum(hashtext(a::text)::bigint) from pgbench_accounts a"
# Changes made after the target time: a restore to T must not contain them.
DAMAGE_SQL="update pgbench_accounts set abalance = abalance + 1000000 where aid % 1000 = 0"
LSN_SQL="select pg_current_wal_lsn()"
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

# pick_target SQL_FN RESULT_PREFIX: in the quiet moment after the load, choose a whole-second
# target time T at least 1 s after the last load commit and 1 s before the next change,
# record the checksum at T, then change rows after T and make sure that is in the WAL.
pick_target() {
  local sql=$1 p=$2 t_epoch target sum
  t_epoch=$(( $(date +%s) + 2 ))
  target=$(date -u -d "@$t_epoch" +%Y-%m-%dT%H:%M:%SZ)
  while (( $(date +%s) <= t_epoch )); do sleep 0.1; done   # now > T: nothing written since the load
  sum=$($sql "$CHECKSUM_SQL")
  $sql "$DAMAGE_SQL" >/dev/null
  record "${p}_target" "$target"
  record "${p}_checksum_at_target" "$sum"
  log "$p: target time T=$target, pgbench_accounts checksum at T: $sum; rows changed after T"
  TARGET=$target
  CHECKSUM_AT_T=$sum
}

# run_load SQL_FN PGBENCH_FN PREFIX
run_load() {
  local sql=$1 pgb=$2 p=$3 lsn0 lsn1 out tps
  lsn0=$($sql "$LSN_SQL")
  log "$p: pgbench load: ${LOAD_SECONDS}s, $CLIENTS clients"
  out=$($pgb -n -c "$CLIENTS" -j "$CLIENTS" -T "$LOAD_SECONDS" ${RATE:+-R "$RATE"} 2>&1) || { echo "$out" >&2; return 1; }
  lsn1=$($sql "$LSN_SQL")
  tps=$(sed -n 's/^tps = \([0-9]*\).*/\1/p' <<<"$out" | head -1)
  record "${p}_load_tps" "${tps:-?}"
  record "${p}_load_wal_bytes" "$($sql "select pg_wal_lsn_diff('$lsn1', '$lsn0')::bigint")"
}

# ---------------------------------------------------------------------------------------
# pgBackRest (the anchor)
# ---------------------------------------------------------------------------------------
A_PORT=5499 A_RPORT=5500
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
repo1-path=$A/repo
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

anchor_full_backup() {
  local t0 t1 label
  log "anchor: full backup (zst, process-max=2)"
  t0=$(now); pgbr --type=full backup; t1=$(now)
  label=$(pgbr --output=json info | jq -r '.[0].backup | map(select(.type == "full")) | last | .label')
  [[ -n $label && $label != null ]] || die "anchor: no full backup in pgbackrest info"
  record anchor_backup_s "$(secs "$t0" "$t1")"
  record anchor_backup_bytes "$(du -sb "$A/repo/backup/bench/$label" | cut -f1)"
  record anchor_backup_info_repo_bytes "$(pgbr --output=json info | jq -r ".[0].backup[] | select(.label == \"$label\") | .info.repository.delta")"
  log "anchor: full backup $label took $(secs "$t0" "$t1") s"
}

anchor_restore() {
  local t0 t1 t2 redo
  log "anchor: making sure the WAL after T is archived"
  a_sql "select pg_switch_wal()" >/dev/null
  pgbr check                                   # waits until the switched segment is archived
  record anchor_wal_repo_bytes "$(du -sb "$A/repo/archive" | cut -f1)"
  log "anchor: restore to $TARGET"
  t0=$(now)
  pgbr --pg1-path="$A/restore" --spool-path="$A/spool-restore" \
       --type=time "--target=$(date -u -d "$TARGET" '+%Y-%m-%d %H:%M:%S+00')" --target-action=promote restore
  t1=$(now)
  as_pg "$PGBIN/pg_ctl" -D "$A/restore" -l "$A/restore-pg.log" -w -t 900 \
       -o "-p $A_RPORT -c archive_mode=off" start >/dev/null
  wait_until 900 "the restored server to be promoted" anchor_promoted
  t2=$(now)
  record anchor_restore_files_s "$(secs "$t0" "$t1")"
  record anchor_restore_s "$(secs "$t0" "$t2")"
  redo=$(grep -o 'redo done at.*elapsed: [0-9.]* s' "$A/restore-pg.log" | sed 's/.*elapsed: //' | tail -1 || true)
  record anchor_redo_s "${redo% s}"
  log "anchor: restore to promoted took $(secs "$t0" "$t2") s (pgbackrest restore $(secs "$t0" "$t1") s)"
}
anchor_promoted() { [[ $(a_rsql "select pg_is_in_recovery()") == f ]]; }

anchor_verify() {
  local sum
  sum=$(a_rsql "$CHECKSUM_SQL")
  record anchor_checksum_restored "$sum"
  if [[ $sum == "$CHECKSUM_AT_T" ]]; then record anchor_checksum_ok yes
  else record anchor_checksum_ok "NO ($sum)"; log "anchor: checksum MISMATCH: $sum != $CHECKSUM_AT_T"; return 1; fi
}

anchor_cleanup() {
  [[ -n ${A:-} && -d ${A:-/nonexistent} ]] || return 0
  local d
  for d in "$A/restore" "$A/pgdata"; do
    [[ -f $d/postmaster.pid ]] && as_pg "$PGBIN/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1 || true
  done
  # the async archive-push process of this stanza, if still running
  [[ -f $A/pgbackrest.conf ]] && pgbr stop --force >/dev/null 2>&1 || true
}

run_anchor() {
  trap anchor_cleanup EXIT
  trap 'exit 130' INT TERM
  record anchor_version "$(pgbackrest version)"
  anchor_setup
  log "anchor: pgbench -i -s $SCALE"
  a_pgbench -i -s "$SCALE" -q >"$A/pgbench-init.log" 2>&1
  record anchor_db_bytes "$(a_sql "select pg_database_size('postgres')")"
  anchor_full_backup
  run_load a_sql a_pgbench anchor
  pick_target a_sql anchor
  anchor_restore
  anchor_verify
  record anchor_done yes
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
hs_backups() { hs backup list --server bench --output json | jq -c 'if type == "array" then . else (.backups // .items // []) end'; }
hs_uri() { hs server show-connection-string --name "$1" | grep -Eo 'postgres(ql)?://[^[:space:]]+' | head -1; }

hs_start_daemon() {
  HS_HOME=$WORK/hindsight-home
  mkdir -p "$HS_HOME"
  export HINDSIGHT_PASSPHRASE=${HINDSIGHT_PASSPHRASE:-bench-passphrase-not-a-secret}
  log "hindsight: starting the daemon (HINDSIGHT_HOME=$HS_HOME)"
  HINDSIGHT_HOME=$HS_HOME "$HINDSIGHT_BIN" serve >"$WORK/hindsight-serve.log" 2>&1 &
  HS_PID=$!
  echo "$HS_PID" >"$WORK/hindsight.pid"
  wait_until 120 "hindsight serve to answer" hs_daemon_ready || {
    tail -20 "$WORK/hindsight-serve.log" >&2; return 1; }
}
hs_daemon_ready() { kill -0 "$HS_PID" 2>/dev/null && HINDSIGHT_HOME=$HS_HOME timeout 30 "$HINDSIGHT_BIN" server list; }

hs_create_server() {
  local json port
  log "hindsight: server create bench"
  json=$(hs server create --name bench --engine postgres --admin-user bench --admin-password "$HS_ADMIN_PASSWORD" --output json)
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

hs_full_backup() {
  local t0 t1 last id stored dir
  log "hindsight: backup create (on demand, full)"
  t0=$(now); hs backup create --server bench >"$WORK/hindsight-backup.log" 2>&1 || {
    cat "$WORK/hindsight-backup.log" >&2; return 1; }
  t1=$(now)
  last=$(hs_backups | jq -c 'sort_by(.startedAt) | last')
  [[ $(jq -r .status <<<"$last") == COMPLETED ]] || die "hindsight: newest backup is not COMPLETED: $last"
  id=$(jq -r .id <<<"$last")
  stored=$(jq -r '.storedBytes // empty' <<<"$last")
  dir=$(find "$HS_HOME/repository" -type d -path "*/backups/$id" 2>/dev/null | head -1)
  record hindsight_backup_s "$(secs "$t0" "$t1")"
  record hindsight_backup_bytes "$(if [[ -n $dir ]]; then du -sb "$dir" | cut -f1; else echo "${stored:-?}"; fi)"
  record hindsight_backup_stored_bytes "${stored:-?}"
  [[ -n $dir ]] && HS_SERVER_REPO=$(dirname "$(dirname "$dir")")
  record hindsight_backup_logical_bytes "$(jq -r '.logicalBytes // "?"' <<<"$last")"
  log "hindsight: full backup $id took $(secs "$t0" "$t1") s"
}

# until the latest restore point is past T + 1 s (the rows changed after T are at >= T + 1 s)
hs_wait_restorable() {
  local want=$(( $(date -d "$TARGET" +%s) + 1 )) end=$(( $(date +%s) + 60 )) latest
  while :; do
    latest=$(hs server show --name bench --output json |
             jq -r '[.. | objects | to_entries[] | select(.key | test("latest.*restore|restore.*latest"; "i")) | .value | strings] | first // empty') || latest=
    if [[ -n $latest ]] && awk -v l="$(date -d "$latest" +%s.%N)" -v w="$want" 'BEGIN { exit !(l >= w) }'; then return 0; fi
    (( $(date +%s) < end )) || { log "hindsight: latest restore point '${latest:-?}' did not reach T + 1 s in 60 s"; return 1; }
    sleep 0.5
  done
}

hs_restore() {
  local t0 t1
  log "hindsight: server restore --restore-time $TARGET"
  t0=$(now)
  hs server restore --source-server bench --name bench-r --restore-time "$TARGET" >"$WORK/hindsight-restore.log" 2>&1 || {
    cat "$WORK/hindsight-restore.log" >&2; return 1; }
  t1=$(now)
  HS_R_URI=$(hs_uri bench-r)
  [[ $(h_rsql "select pg_is_in_recovery()") == f ]] || die "hindsight: bench-r is still in recovery after restore returned"
  record hindsight_restore_s "$(secs "$t0" "$t1")"
  log "hindsight: restore to promoted took $(secs "$t0" "$t1") s"
}

hs_verify() {
  local sum
  sum=$(h_rsql "$CHECKSUM_SQL")
  record hindsight_checksum_restored "$sum"
  if [[ $sum == "$CHECKSUM_AT_T" ]]; then record hindsight_checksum_ok yes
  else record hindsight_checksum_ok "NO ($sum)"; log "hindsight: checksum MISMATCH: $sum != $CHECKSUM_AT_T"; return 1; fi
}

hs_cleanup() {
  [[ -n ${HS_HOME:-} && -d ${HS_HOME:-/nonexistent} ]] || return 0
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
}

run_hindsight() {
  trap hs_cleanup EXIT
  trap 'exit 130' INT TERM
  record hindsight_version "$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')"
  hs_start_daemon
  hs_create_server
  log "hindsight: waiting for the first (automatic) full backup"
  hs_wait_backups 900
  log "hindsight: pgbench -i -s $SCALE"
  h_pgbench -i -s "$SCALE" -q >"$WORK/hindsight-pgbench-init.log" 2>&1
  record hindsight_db_bytes "$(h_sql "select pg_database_size('postgres')")"
  hs_full_backup
  run_load h_sql h_pgbench hindsight
  pick_target h_sql hindsight
  hs_wait_restorable
  [[ -n ${HS_SERVER_REPO:-} && -d $HS_SERVER_REPO/wal ]] && record hindsight_wal_repo_bytes "$(du -sb "$HS_SERVER_REPO/wal" | cut -f1)"
  hs_restore
  hs_verify
  record hindsight_done yes
}

# ---------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------
# shellcheck disable=SC2154  # the variables come from results.env
report() {
  # shellcheck disable=SC1091
  source "$WORK/results.env"
  local v='anchor_backup_s anchor_backup_bytes anchor_restore_s anchor_restore_files_s anchor_redo_s anchor_wal_repo_bytes
           anchor_checksum_ok anchor_db_bytes anchor_load_tps anchor_load_wal_bytes anchor_settings anchor_version anchor_target
           hindsight_backup_s hindsight_backup_bytes hindsight_backup_stored_bytes hindsight_backup_logical_bytes
           hindsight_restore_s hindsight_checksum_ok hindsight_db_bytes hindsight_load_tps hindsight_load_wal_bytes
           hindsight_settings hindsight_version hindsight_target hindsight_wal_repo_bytes' k
  for k in $v; do [[ -n ${!k:-} ]] || printf -v "$k" '%s' '–'; done
  ratio() { awk -v h="$1" -v a="$2" 'BEGIN { if (h+0 > 0 && a+0 > 0) printf "%.2f", h / a; else printf "–" }'; }
  size() { [[ $1 =~ ^[0-9]+$ ]] && mb "$1" || echo "$1"; }
  local md=$OUT_DIR/results.md
  mkdir -p "$OUT_DIR"
  {
    echo "# PostgreSQL full backup and restore to promoted: Hindsight vs pgBackRest"
    echo
    echo "Command: \`$CMDLINE\`"
    echo
    echo "Run $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM," \
         "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'), $anchor_version (compress-type=zst, process-max=2," \
         "start-fast, archive-async), Hindsight $hindsight_version." \
         "Load average at start / end: $LOAD_AT_START / $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the figures)."
    echo "Data: \`pgbench -i -s $SCALE\` (database $(size "$anchor_db_bytes") / $(size "$hindsight_db_bytes") MB)," \
         "then ${LOAD_SECONDS} s of \`pgbench -c $CLIENTS -j $CLIENTS${RATE:+ -R $RATE}\` ($anchor_load_tps / $hindsight_load_tps tps," \
         "WAL $(size "$anchor_load_wal_bytes") / $(size "$hindsight_load_wal_bytes") MB), target time T after the load," \
         "rows changed after T. Figures are pgBackRest / Hindsight."
    echo
    echo "| measure | pgBackRest | Hindsight | Hindsight / pgBackRest | goal |"
    echo "|---|---|---|---|---|"
    echo "| full backup wall time, s | $anchor_backup_s | $hindsight_backup_s | $(ratio "$hindsight_backup_s" "$anchor_backup_s") | ≤ 0.67 |"
    echo "| full backup in repository, MB | $(size "$anchor_backup_bytes") | $(size "$hindsight_backup_bytes") | $(ratio "$hindsight_backup_bytes" "$anchor_backup_bytes") | ≤ 1.00 |"
    echo "| restore to T until promoted, s | $anchor_restore_s | $hindsight_restore_s | $(ratio "$hindsight_restore_s" "$anchor_restore_s") | ≤ 0.67 |"
    echo "| pgbench_accounts at T = restored | $anchor_checksum_ok | $hindsight_checksum_ok | | |"
    echo
    echo "Details: pgBackRest restore command alone $anchor_restore_files_s s, PostgreSQL redo (its log's 'redo done … elapsed') $anchor_redo_s s," \
         "WAL archive in repository $(size "$anchor_wal_repo_bytes") MB. Hindsight: backup storedBytes" \
         "$(size "$hindsight_backup_stored_bytes") MB, logicalBytes $(size "$hindsight_backup_logical_bytes") MB," \
         "WAL in repository $(size "$hindsight_wal_repo_bytes") MB (both WAL figures: everything since the server was set up, pgbench -i included)."
    echo "Source server settings: pgBackRest side: $anchor_settings; Hindsight side: $hindsight_settings."
    if [[ $anchor_settings != – && $hindsight_settings != – && $anchor_settings != "$hindsight_settings" ]]; then
      echo
      echo "**Warning: the two source servers ran with different settings; the WAL volume and replay times are not comparable.**"
    fi
    echo "Full backup time includes the start-fast checkpoint and waiting for the stop WAL segment;" \
         "restore time runs from the restore command to pg_is_in_recovery() = f (pgBackRest: restore + pg_ctl start + replay + promotion)."
    echo "The two sides run one after the other, each on its own source server. Sizes: \`du -sb\` of the backup's directory."
  } >"$md"
  cat "$md"
  log "written: $md"
}

# The jar just built, copied into the work directory: bin/hindsight would rebuild when someone
# edits src/ during the run, and a Maven build inside a timed command spoils the figure.
pin_hindsight_jar() {
  local built=$ROOT/${HINDSIGHT_BUILD_DIR:-target}/hindsight.jar
  [[ -f $built ]] || die "no $built (scripts/setup should have built it)"
  cp "$built" "$WORK/hindsight.jar"
  cat >"$WORK/hindsight" <<EOF
#!/usr/bin/env bash
exec java \${HINDSIGHT_JAVA_OPTS:-} -jar "$WORK/hindsight.jar" "\$@"
EOF
  chmod 755 "$WORK/hindsight"
  HINDSIGHT_BIN=$WORK/hindsight
}

# ---------------------------------------------------------------------------------------
main() {
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

main
