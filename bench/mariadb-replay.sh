#!/usr/bin/env bash
# bench/mariadb-replay.sh [--keep]
#
# MariaDB: snapshot and binary log replay, Hindsight vs the anchor (plain mariadb-backup, and
# `mariadb-binlog | mariadb`), in one run on the same server and the same binary logs. Run by
# hand (as root), never in CI; takes ~5 min with the defaults.
#
#   1. a Hindsight-managed MariaDB server "bench"; sysbench oltp_read_write prepare
#   2. snapshot, one after the other on the same data: `hindsight backup create` (mariadb-backup
#      streamed into 32 MiB parts, zstd-3 + AES-256-GCM, 2 writers) vs
#      `mariadb-backup --backup --stream=xbstream | zstd -3` to a local file; time and size
#   3. $LOAD_SECONDS s of sysbench oltp_read_write ($THREADS threads): the binary log to replay;
#      the CHECKSUM TABLE of every sbtest table at the end
#   4. Hindsight: `server restore --latest` (prepare, relay-log replay with 4 parallel workers);
#      the anchor: its backup unpacked and prepared, a server started on it, then the binary
#      logs from its backup position piped through `mariadb-binlog | mariadb` (single-threaded);
#      replay time and rate (transactions per second), checksums of both compared to the source
#
# Writes bench/out/mariadb-results.md (a markdown table, ratios Hindsight / anchor, the exact
# command line) and prints it. Everything it creates is removed at exit; --keep keeps the work
# directory (servers are stopped all the same).
#
# Environment: TABLES (4), TABLE_SIZE (100000), LOAD_SECONDS (60), THREADS (4),
#   BENCH_DIR (parent of the work directory, /tmp), OUT_DIR (bench/out),
#   HINDSIGHT_BIN (default: the jar scripts/setup builds, copied into the work directory)
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
TABLES=${TABLES:-4}
TABLE_SIZE=${TABLE_SIZE:-100000}
LOAD_SECONDS=${LOAD_SECONDS:-60}
THREADS=${THREADS:-4}
OUT_DIR=${OUT_DIR:-$ROOT/bench/out}
HINDSIGHT_BIN=${HINDSIGHT_BIN:-}
CMDLINE="TABLES=$TABLES TABLE_SIZE=$TABLE_SIZE LOAD_SECONDS=$LOAD_SECONDS THREADS=$THREADS bench/mariadb-replay.sh${*:+ $*}"
ANCHOR_PORT=3399

# shellcheck source=lib/common.sh
source "$ROOT/bench/lib/common.sh"
bench_options "$@"

m_cli() { mariadb --no-defaults -h 127.0.0.1 -P "$1" -u bench "--password=$HS_ADMIN_PASSWORD" -N -B "${@:2}"; }
sb() {
  sysbench oltp_read_write --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$1" --mysql-user=bench \
    "--mysql-password=$HS_ADMIN_PASSWORD" --mysql-db=sbtest --tables="$TABLES" --table-size="$TABLE_SIZE" "${@:2}"
}
# checksums CLIENT [ARGS…]: "sbtest1=123 sbtest2=456 …" (CHECKSUM TABLE of every sbtest table)
checksums() {
  local t list=()
  for t in $(seq 1 "$TABLES"); do list+=("sbtest.sbtest$t"); done
  "$@" -e "CHECKSUM TABLE $(IFS=,; echo "${list[*]}")" | awk '{ sub(/^sbtest\./, "", $1); printf "%s=%s ", $1, $2 }'
}
a_cli() { mariadb --no-defaults -S "$WORK/anchor/run/sock" -u root -N -B "$@"; }
seq_of() { awk -F- '{ print $NF }' <<<"${1##*,}"; }  # the sequence number of a GTID (last domain's)

cleanup() {
  local rc=$?
  if [[ -n ${WORK:-} && -d $WORK ]]; then
    [[ -f $WORK/anchor/run/pid ]] && kill -TERM "$(cat "$WORK/anchor/run/pid")" 2>/dev/null || true
    if [[ -n ${HS_PID:-} ]] && kill -0 "$HS_PID" 2>/dev/null; then
      hs server delete --name bench-r >/dev/null 2>&1 || true
      hs server delete --name bench >/dev/null 2>&1 || true
      kill -TERM "$HS_PID" 2>/dev/null || true
      sleep 2
    fi
    # database servers the daemon may have left running under its home
    local pidfile
    while IFS= read -r pidfile; do kill -TERM "$(cat "$pidfile")" 2>/dev/null || true; done \
      < <(find "$WORK" -name 'mariadbd.pid' -o -name pid 2>/dev/null)
    sleep 2
    if (( keep )); then log "kept $WORK"; else rm -rf "$WORK"; fi
  fi
  exit $rc
}

main() {
  (( EUID == 0 )) || die "run as root (MariaDB servers run as the mysql OS user through runuser)"
  if [[ -z $HINDSIGHT_BIN ]]; then "$ROOT/scripts/setup" --bench; else "$ROOT/scripts/setup" --bench --no-build; fi
  WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/hindsight-bench.XXXXXX")
  chmod 755 "$WORK"
  : >"$WORK/results.env"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  log "work directory $WORK; $CMDLINE"
  [[ -z $HINDSIGHT_BIN ]] && pin_hindsight_jar
  local load_at_start version
  load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
  version=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')

  hs_start_daemon
  log "hindsight: server create bench --engine mariadb"
  local json port data
  json=$(hs server create --name bench --engine mariadb --admin-user bench --admin-password "$HS_ADMIN_PASSWORD" --output json)
  port=$(jq -r '.port' <<<"$json")
  data=$(find "$HS_HOME/servers" -maxdepth 2 -type d -name data -path '*/bench-*' | head -1)
  [[ -d $data ]] || die "no data directory for bench under $HS_HOME/servers"
  hs_wait_backups 600
  m_cli "$port" -e "CREATE DATABASE sbtest"
  log "sysbench prepare: $TABLES tables of $TABLE_SIZE rows"
  sb "$port" prepare >"$WORK/sysbench-prepare.log" 2>&1

  log "snapshot: hindsight backup create"
  local t0 t1 hs_full_s hs_full_bytes a_full_s a_full_bytes
  t0=$(now); hs backup create --server bench --type full --output json >"$WORK/hs-full.json"; t1=$(now)
  hs_full_s=$(secs "$t0" "$t1")
  hs_full_bytes=$(hs_backups | jq -r 'sort_by(.startedAt) | last.storedBytes')
  local hs_full_inner_s
  hs_full_inner_s=$(grep -o 'MariaDbBackup: Backup .* stored, [0-9]* ms' "$WORK/hindsight-serve.log" | tail -1 \
    | grep -o '[0-9]* ms$' | awk '{ printf "%.2f", $1 / 1000 }')
  log "snapshot: mariadb-backup --stream=xbstream | zstd -3"
  mkdir -p "$WORK/mb-tmp" "$WORK/mb-lsn"
  t0=$(now)
  mariadb-backup --no-defaults --backup --stream=xbstream --datadir="$data" --host=127.0.0.1 --port="$port" \
    --user=bench "--password=$HS_ADMIN_PASSWORD" --target-dir="$WORK/mb-tmp" --extra-lsndir="$WORK/mb-lsn" \
    2>"$WORK/mariadb-backup.log" | zstd -3 -q -o "$WORK/anchor.xb.zst"
  t1=$(now)
  a_full_s=$(secs "$t0" "$t1")
  a_full_bytes=$(stat -c %s "$WORK/anchor.xb.zst")
  local a_pos a_file a_gtid
  a_file=$(sed -n "s/^binlog_pos = filename '\([^']*\)'.*/\1/p" "$WORK/mb-lsn/xtrabackup_info")
  a_pos=$(sed -n "s/^binlog_pos = .*position '\([0-9]*\)'.*/\1/p" "$WORK/mb-lsn/xtrabackup_info")
  a_gtid=$(sed -n "s/^binlog_pos = .*GTID of the last change '\([^']*\)'.*/\1/p" "$WORK/mb-lsn/xtrabackup_info")

  log "load: sysbench oltp_read_write, $THREADS threads, ${LOAD_SECONDS}s"
  sb "$port" --threads="$THREADS" --time="$LOAD_SECONDS" --report-interval=0 run >"$WORK/sysbench-run.log" 2>&1
  local sb_tps end_gtid source_sums
  sb_tps=$(awk '/transactions:/ { gsub(/[()]/, "", $3); print $3 }' "$WORK/sysbench-run.log")
  end_gtid=$(m_cli "$port" -e "SELECT @@gtid_binlog_pos")
  source_sums=$(checksums m_cli "$port")
  sleep 2

  log "hindsight: server restore --latest"
  t0=$(now); hs server restore --source-server bench --name bench-r --latest >"$WORK/hs-restore.out"; t1=$(now)
  local hs_restore_s hs_replay_ms hs_from hs_to hs_trx hs_port hs_sums
  hs_restore_s=$(secs "$t0" "$t1")
  hs_replay_ms=$(grep -o 'Replay of bench into .* took [0-9]* ms' "$WORK/hindsight-serve.log" | tail -1 | grep -o '[0-9]* ms' | cut -d' ' -f1)
  hs_from=$(grep -o 'MariaDbBackup: Backup .* GTID [0-9-]*' "$WORK/hindsight-serve.log" | grep -v ' diff at ' | tail -1 | grep -o 'GTID [0-9-]*$' | cut -d' ' -f2)
  hs_to=$(grep -o 'Replayed the binary log from .* through GTID [0-9-]*' "$WORK/hindsight-serve.log" | tail -1 | grep -o 'GTID [0-9-]*$' | cut -d' ' -f2)
  hs_trx=$(( $(seq_of "$hs_to") - $(seq_of "$hs_from") ))
  hs_port=$(hs server show --name bench-r --output json | jq -r '.port')
  hs_sums=$(checksums m_cli "$hs_port")

  log "anchor: unpack, prepare, start a server on the backup"
  local A=$WORK/anchor
  mkdir -p "$A/data" "$A/run" "$WORK/binlogs"
  # the same binary logs Hindsight replayed: the source's files, copied now
  local f files=()
  for f in $(m_cli "$port" -e "SHOW BINARY LOGS" | awk '{ print $1 }'); do
    if [[ $(basename "$f") > "$a_file" || $(basename "$f") == "$a_file" ]]; then
      cp "$data/$f" "$WORK/binlogs/$f"; files+=("$WORK/binlogs/$f")
    fi
  done
  t0=$(now)
  zstd -d -q -c "$WORK/anchor.xb.zst" | mbstream -x -C "$A/data"
  mariadb-backup --no-defaults --prepare --target-dir="$A/data" --use-memory=512M >"$WORK/anchor-prepare.log" 2>&1
  chown -R mysql "$A"
  cat >"$A/my.cnf" <<EOF
[mariadbd]
datadir=$A/data
port=$ANCHOR_PORT
bind-address=127.0.0.1
socket=$A/run/sock
pid-file=$A/run/pid
log-error=$A/run/err
server_id=99
log-bin=binlog
binlog_format=ROW
EOF
  (setsid runuser -u mysql -- /usr/sbin/mariadbd --defaults-file="$A/my.cnf" </dev/null >/dev/null 2>&1 &)
  wait_until 120 "the anchor's server" a_cli -e "SELECT 1"
  t1=$(now)
  local a_prep_s a_replay_s a_trx a_sums
  a_prep_s=$(secs "$t0" "$t1")
  log "anchor: mariadb-binlog --start-position=$a_pos ${#files[@]} files | mariadb"
  t0=$(now)
  mariadb-binlog --no-defaults --start-position="$a_pos" "${files[@]}" | a_cli
  t1=$(now)
  a_replay_s=$(secs "$t0" "$t1")
  a_trx=$(( $(seq_of "$end_gtid") - $(seq_of "$a_gtid") ))
  a_sums=$(checksums a_cli)

  local hs_replay_s hs_rate a_rate verdict
  hs_replay_s=$(awk -v m="$hs_replay_ms" 'BEGIN { printf "%.2f", m / 1000 }')
  hs_rate=$(awk -v n="$hs_trx" -v s="$hs_replay_s" 'BEGIN { printf "%.0f", n / s }')
  a_rate=$(awk -v n="$a_trx" -v s="$a_replay_s" 'BEGIN { printf "%.0f", n / s }')
  verdict="equal"
  [[ $hs_sums == "$source_sums" ]] || verdict="HINDSIGHT DIFFERS: $hs_sums vs source $source_sums"
  [[ $a_sums == "$source_sums" ]] || verdict="$verdict; ANCHOR DIFFERS: $a_sums vs source $source_sums"
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

  mkdir -p "$OUT_DIR"
  {
    echo "## MariaDB snapshot and replay, $(date -u +%Y-%m-%dT%H:%MZ) (hindsight $version)"
    echo
    echo "\`$CMDLINE\` — MariaDB $(mariadbd --version | grep -o '10\.[0-9]*\.[0-9]*'), sysbench $(sysbench --version | cut -d' ' -f2),"
    echo "$(nproc) cores, load average at start $load_at_start; load: $sb_tps tps during ${LOAD_SECONDS}s"
    echo
    echo "| | Hindsight | anchor | Hindsight / anchor |"
    echo "|---|---|---|---|"
    echo "| snapshot time (s) | $hs_full_s (\`backup create\`; $hs_full_inner_s inside the daemon) | $a_full_s (mariadb-backup \\| zstd -3) | $(ratio "$hs_full_s" "$a_full_s") ($(ratio "$hs_full_inner_s" "$a_full_s")) |"
    echo "| snapshot size (MB) | $(mb "$hs_full_bytes") (encrypted) | $(mb "$a_full_bytes") | $(ratio "$hs_full_bytes" "$a_full_bytes") |"
    echo "| transactions replayed | $hs_trx | $a_trx | |"
    echo "| replay time (s) | $hs_replay_s (relay log, 4 workers) | $a_replay_s (mariadb-binlog \\| mariadb) | $(ratio "$hs_replay_s" "$a_replay_s") |"
    echo "| replay rate (trx/s) | $hs_rate | $a_rate | **$(ratio "$hs_rate" "$a_rate")×** |"
    echo "| whole restore (s) | $hs_restore_s (\`server restore --latest\`) | $(awk -v a="$a_prep_s" -v b="$a_replay_s" 'BEGIN { printf "%.2f", a + b }') (unpack, prepare, start, replay) | |"
    echo "| data after replay | $verdict | | |"
  } >"$OUT_DIR/mariadb-results.md"
  cat "$OUT_DIR/mariadb-results.md"
}

main
