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
# STORE=s3 puts both repositories on S3 instead of the filesystem: an S3Proxy 4.1.0 per half
# (bench/lib/s3proxy.sh; filesystem backend in the work directory, so on the same disk as the
# fs repositories), pgBackRest over HTTPS (repo1-type=s3; the only way it talks to S3),
# Hindsight over HTTP with one S3 site as the only site ($HINDSIGHT_HOME/storage.json, written
# before the daemon starts). One copy on each side, as with STORE=fs. Sizes are du of
# S3Proxy's files of the bucket, as du of the repository's directory with STORE=fs.
#
# Writes bench/out/results.md (results-s3.md with STORE=s3; a markdown table with ratios Hindsight / pgBackRest and the
# exact command line) and prints it. Everything it creates (servers, daemon, directories)
# is removed at exit, also on failure or Ctrl-C; --keep keeps the work directory (servers
# are stopped all the same).
#
# Environment: SCALE (50), LOAD_SECONDS (60), CLIENTS (2),
#   STORE        fs (default): the repositories are directories in the work directory;
#                s3: buckets of S3Proxy (see above; needs the test dependencies in ~/.m2 and
#                the ports S3_PORT (9480) and S3_TLS_PORT (9481) free)
#   MAX_REPLAY   the Hindsight server's --max-replay (e.g. 2s, off); unset: Hindsight's default
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
STORE=${STORE:-fs}
case $STORE in fs|s3) ;; *) echo "STORE must be fs or s3, not '$STORE'" >&2; exit 2 ;; esac
BENCH_STORE=$STORE        # bench/lib/common.sh sets up both sides' repositories from it
CMDLINE="$([[ $STORE == fs ]] || echo "STORE=$STORE ")${MAX_REPLAY:+MAX_REPLAY=$MAX_REPLAY }SCALE=$SCALE LOAD_SECONDS=$LOAD_SECONDS CLIENTS=$CLIENTS${RATE:+ RATE=$RATE}${ANCHOR_PG_CONF:+ ANCHOR_PG_CONF='$ANCHOR_PG_CONF'} bench/pg-full-restore.sh${*:+ $*}"

# shellcheck source=lib/common.sh
source "$ROOT/bench/lib/common.sh"
bench_options "$@"

# The checksum of pgbench_accounts: row count, balance sum and a sum of per-row hashes.
CHECKSUM_SQL="select count(*) || '/' || sum(abalance) || '/' || sum(hashtext(a::text)::bigint) from pgbench_accounts a"
# Changes made after the target time: a restore to T must not contain them.
DAMAGE_SQL="update pgbench_accounts set abalance = abalance + 1000000 where aid % 1000 = 0"
LSN_SQL="select pg_current_wal_lsn()"

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

# verify_restored SQL_FN PREFIX: the restored server's checksum must be the one recorded at T
verify_restored() {
  local sql=$1 p=$2 sum
  sum=$($sql "$CHECKSUM_SQL")
  record "${p}_checksum_restored" "$sum"
  if [[ $sum == "$CHECKSUM_AT_T" ]]; then record "${p}_checksum_ok" yes
  else record "${p}_checksum_ok" "NO ($sum)"; log "$p: checksum MISMATCH: $sum != $CHECKSUM_AT_T"; return 1; fi
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

anchor_full_backup() {
  local t0 t1 label
  log "anchor: full backup (zst, process-max=2)"
  t0=$(now); pgbr --type=full backup; t1=$(now)
  label=$(pgbr --output=json info | jq -r '.[0].backup | map(select(.type == "full")) | last | .label')
  [[ -n $label && $label != null ]] || die "anchor: no full backup in pgbackrest info"
  record anchor_backup_s "$(secs "$t0" "$t1")"
  record anchor_backup_bytes "$(du -sb "$(anchor_repo_dir)/backup/bench/$label" | cut -f1)"
  record anchor_backup_info_repo_bytes "$(pgbr --output=json info | jq -r ".[0].backup[] | select(.label == \"$label\") | .info.repository.delta")"
  # the data directory the backup restores (uncompressed), for throughput
  record anchor_backup_logical_bytes "$(pgbr --output=json info | jq -r ".[0].backup[] | select(.label == \"$label\") | .info.size")"
  log "anchor: full backup $label took $(secs "$t0" "$t1") s"
}

anchor_restore() {
  local t0 t1 t2 redo
  log "anchor: making sure the WAL after T is archived"
  a_sql "select pg_switch_wal()" >/dev/null
  pgbr check                                   # waits until the switched segment is archived
  record anchor_wal_repo_bytes "$(du -sb "$(anchor_repo_dir)/archive" | cut -f1)"
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


run_anchor() {
  anchor_begin
  record anchor_db_bytes "$(a_sql "select pg_database_size('postgres')")"
  anchor_full_backup
  run_load a_sql a_pgbench anchor
  pick_target a_sql anchor
  anchor_restore
  verify_restored a_rsql anchor
  record anchor_done yes
}

hs_full_backup() {
  local t0 t1 last id stored dir
  log "hindsight: backup create (on demand, full)"
  # the daemon's own backups (the first full, one the replay budget asks for after pgbench -i)
  # may be running: wait for them, and again if another started meanwhile
  local attempt
  for attempt in 1 2 3 4 5; do
    hs_wait_backups 900
    t0=$(now)
    if hs backup create --server bench --type full >"$WORK/hindsight-backup.log" 2>&1; then break; fi
    grep -q "already running" "$WORK/hindsight-backup.log" && (( attempt < 5 )) || {
      cat "$WORK/hindsight-backup.log" >&2; return 1; }
  done
  t1=$(now)
  last=$(hs_backups | jq -c 'sort_by(.startedAt) | last')
  [[ $(jq -r .status <<<"$last") == COMPLETED ]] || die "hindsight: newest backup is not COMPLETED: $last"
  id=$(jq -r .id <<<"$last")
  stored=$(jq -r '.storedBytes // empty' <<<"$last")
  dir=$(find "$(hs_repo_dir)" -type d -path "*/backups/$id" 2>/dev/null | head -1)
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
  record hindsight_restore_base "$(grep -o 'from backup [^ )]*' "$WORK/hindsight-restore.log" | tail -1 | cut -d' ' -f3)"
  [[ $(h_rsql "select pg_is_in_recovery()") == f ]] || die "hindsight: bench-r is still in recovery after restore returned"
  record hindsight_restore_s "$(secs "$t0" "$t1")"
  # the daemon's own figure for materializing the backup's files (PgRestore logs it)
  record hindsight_restore_files_ms "$(grep -o 'Restored [0-9]* files ([0-9]* bytes) of backup [^ ]* in [0-9]* ms' \
      "$WORK/hindsight-serve.log" | tail -1 | sed 's/.* in \([0-9]*\) ms$/\1/')"
  # the restored server's own log (redo, promotion, checkpoints): the daemon deletes it with the server
  local pglog
  pglog=$(find "$HS_HOME/servers" -path '*/bench-r-*' -name postgresql.log -print -quit 2>/dev/null || true)
  if [[ -n $pglog ]]; then
    cp "$pglog" "$WORK/hindsight-restore-pg.log"
    record hindsight_redo_s "$(grep -o 'redo done at.*elapsed: [0-9.]* s' "$pglog" | sed 's/.*elapsed: \([0-9.]*\) s/\1/' | tail -1 || true)"
  fi
  log "hindsight: restore to promoted took $(secs "$t0" "$t1") s"
}


run_hindsight() {
  hs_begin
  record hindsight_db_bytes "$(h_sql "select pg_database_size('postgres')")"
  hs_full_backup
  run_load h_sql h_pgbench hindsight
  pick_target h_sql hindsight
  hs_wait_restorable
  [[ -n ${HS_SERVER_REPO:-} && -d $HS_SERVER_REPO/wal ]] && record hindsight_wal_repo_bytes "$(du -sb "$HS_SERVER_REPO/wal" | cut -f1)"
  hs_restore
  verify_restored h_rsql hindsight
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
           hindsight_settings hindsight_version hindsight_target hindsight_wal_repo_bytes
           anchor_backup_logical_bytes hindsight_restore_files_ms hindsight_redo_s hindsight_restore_base' k
  for k in $v; do [[ -n ${!k:-} ]] || printf -v "$k" '%s' '–'; done
  ratio() { awk -v h="$1" -v a="$2" 'BEGIN { if (h+0 > 0 && a+0 > 0) printf "%.2f", h / a; else printf "–" }'; }
  size() { [[ $1 =~ ^[0-9]+$ ]] && mb "$1" || echo "$1"; }
  mbps() { awk -v b="$1" -v s="$2" 'BEGIN { if (b+0 > 0 && s+0 > 0) printf "%.0f", b / 1e6 / s; else printf "–" }'; }
  local md=$OUT_DIR/results$([[ $STORE == fs ]] || echo "-$STORE").md
  mkdir -p "$OUT_DIR"
  {
    echo "# PostgreSQL full backup and restore to promoted: Hindsight vs pgBackRest"
    echo
    if [[ $STORE == s3 ]]; then
      echo "Repositories on S3: S3Proxy 4.1.0 on loopback (filesystem backend in the work directory, one per side)," \
           "pgBackRest over HTTPS (repo1-type=s3), Hindsight over HTTP (one S3 site, local redundancy)."
    else
      echo "Repositories on the filesystem (directories in the work directory)."
    fi
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
         "WAL in repository $(size "$hindsight_wal_repo_bytes") MB (both WAL figures: everything since the server was set up, pgbench -i included)," \
         "materializing the backup's files $hindsight_restore_files_ms ms (daemon log), PostgreSQL redo $hindsight_redo_s s," \
         "restored from backup $hindsight_restore_base."
    echo "Throughput, data directory MB (uncompressed: pgBackRest info's size, Hindsight's logicalBytes) per second:" \
         "full backup $(mbps "$anchor_backup_logical_bytes" "$anchor_backup_s") / $(mbps "$hindsight_backup_logical_bytes" "$hindsight_backup_s") MB/s," \
         "restore to T until promoted $(mbps "$anchor_backup_logical_bytes" "$anchor_restore_s") / $(mbps "$hindsight_backup_logical_bytes" "$hindsight_restore_s") MB/s" \
         "(pgBackRest / Hindsight; restore includes the WAL replay)."
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

bench_main
