#!/usr/bin/env bash
# bench/pg-diff.sh [--anchor-only | --hindsight-only] [--keep]
#
# Differential backups, Hindsight vs pgBackRest (the anchor), in one run on the same data.
# Run by hand (as root), never in CI; takes ~10 min at SCALE=100.
#
# Each side gets its own PostgreSQL 15 source server, one after the other:
#   1. pgbench -i -s $SCALE, CHECKPOINT
#   2. a full backup, timed
#   3. ~$PAGES_PCT % of pgbench_accounts' pages updated (one row in every 100/$PAGES_PCT-th
#      page), CHECKPOINT
#   4. a differential backup, timed; its size in the repository
#   5. the same rows' neighbours updated (the same pages, mostly), CHECKPOINT, and a second
#      differential against the same full: what a long-running daemon pays once its code is warm
# The ground truth comes from neither tool: bench/lib/changed-pages.py compares every 8 KiB
# page of every relation file before (step 1) and after (step 3) on the Hindsight side, and
# `zstd -3` of the changed pages is "the compressed size of the changed pages".
# pgBackRest 2.45 (Debian) has file-level differentials only (block incremental came in 2.46).
#
# Writes bench/out/diff-results.md (diff-results-cold.md with COLD=1) and prints it.
# Environment: SCALE (100), PAGES_PCT (1), COLD (0; 1 drops the page cache before every timed
# backup, as on a server whose data does not fit in memory), BENCH_DIR, OUT_DIR, HINDSIGHT_BIN as
# in bench/pg-full-restore.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
SCALE=${SCALE:-100}
PAGES_PCT=${PAGES_PCT:-1}
COLD=${COLD:-0}
ANCHOR_PG_CONF=${ANCHOR_PG_CONF:-}
OUT_DIR=${OUT_DIR:-$ROOT/bench/out}
HINDSIGHT_BIN=${HINDSIGHT_BIN:-}
CMDLINE="SCALE=$SCALE PAGES_PCT=$PAGES_PCT COLD=$COLD bench/pg-diff.sh${*:+ $*}"

# shellcheck source=lib/common.sh
source "$ROOT/bench/lib/common.sh"
bench_options "$@"

# pgbench_accounts holds ~61 rows per page: one row in every (100 / PAGES_PCT)-th page
STRIDE=$(awk -v p="$PAGES_PCT" 'BEGIN { printf "%d", 61 * 100 / p }')
UPDATE_SQL="update pgbench_accounts set abalance = abalance + 1 where aid % $STRIDE = 0"
UPDATE_AGAIN_SQL="update pgbench_accounts set abalance = abalance + 1 where aid % $STRIDE = $((STRIDE - 1))"

# With COLD=1: every timed backup starts with nothing of the data in the page cache.
maybe_drop_caches() {
  (( COLD )) || return 0
  sync
  echo 3 >/proc/sys/vm/drop_caches || die "COLD=1 needs root to drop the page cache"
}

# ---------------------------------------------------------------------------------------
run_anchor() {
  anchor_begin
  a_sql "checkpoint"
  anchor_timed full
  a_sql "$UPDATE_SQL" >/dev/null
  a_sql "checkpoint"
  anchor_timed diff
  a_sql "$UPDATE_AGAIN_SQL" >/dev/null
  a_sql "checkpoint"
  anchor_timed diff diff2
  record anchor_done yes
}

# anchor_timed full|diff [NAME]: one pgBackRest backup of that type, its time and size as NAME
anchor_timed() {
  local type=$1 name=${2:-$1} t0 t1 label
  log "anchor: $type backup ($name)"
  maybe_drop_caches
  t0=$(now); pgbr --type="$type" backup; t1=$(now)
  label=$(pgbr --output=json info | jq -r ".[0].backup | map(select(.type == \"$type\")) | last | .label")
  [[ -n $label && $label != null ]] || die "anchor: no $type backup in pgbackrest info"
  record "anchor_${name}_s" "$(secs "$t0" "$t1")"
  record "anchor_${name}_bytes" "$(du -sb "$A/repo/backup/bench/$label" | cut -f1)"
  log "anchor: $type backup $label took $(secs "$t0" "$t1") s"
}

# ---------------------------------------------------------------------------------------
run_hindsight() {
  hs_begin
  h_sql "checkpoint"
  local data
  data=$(dirname "$(find "$HS_HOME" -path '*/data/PG_VERSION' | head -1)")
  log "hindsight: page snapshot of $data"
  python3 "$ROOT/bench/lib/changed-pages.py" snapshot "$data" "$WORK/pages.json"
  hs_timed full
  h_sql "$UPDATE_SQL" >/dev/null
  h_sql "checkpoint"
  record changed_pages "$(python3 "$ROOT/bench/lib/changed-pages.py" changed "$data" "$WORK/pages.json" "$WORK/changed")"
  record changed_bytes "$(stat -c %s "$WORK/changed")"
  record changed_zstd_bytes "$(zstd -3 -q -c "$WORK/changed" | wc -c)"
  hs_timed diff
  h_sql "$UPDATE_AGAIN_SQL" >/dev/null
  h_sql "checkpoint"
  hs_timed diff diff2
  record hindsight_done yes
}

# hs_timed full|diff [NAME]: one `backup create --type`, its time, its objects' size and what it
# read, recorded as NAME
hs_timed() {
  local type=$1 name=${2:-$1} t0 t1 last id dir
  log "hindsight: backup create --type $type ($name)"
  maybe_drop_caches
  t0=$(now); hs backup create --server bench --type "$type" >"$WORK/hindsight-$type.log" 2>&1 || {
    cat "$WORK/hindsight-$type.log" >&2; return 1; }
  t1=$(now)
  last=$(hs_backups | jq -c 'sort_by(.startedAt) | last')
  [[ $(jq -r .status <<<"$last") == COMPLETED ]] || die "hindsight: newest backup is not COMPLETED: $last"
  [[ $(jq -r .kind <<<"$last") == "${type^^}" ]] || die "hindsight: asked for $type, got $(jq -r '.kind + ": " + (.reason // "")' <<<"$last")"
  id=$(jq -r .id <<<"$last")
  dir=$(find "$HS_HOME/repository" -type d -path "*/backups/$id" | head -1)
  record "hindsight_${name}_s" "$(secs "$t0" "$t1")"
  record "hindsight_${name}_bytes" "$(du -sb "$dir" | cut -f1)"
  record "hindsight_${name}_logical_bytes" "$(jq -r .logicalBytes <<<"$last")"
  # the daemon's own figure, without the CLI's JVM start and polling: from pg_backup_start to the manifest
  record "hindsight_${name}_engine_s" "$(grep -o "backup $id of server bench completed.*copied in [0-9]* ms" \
    "$WORK/hindsight-serve.log" | sed 's/.*copied in \([0-9]*\) ms/\1/' | awk '{ printf "%.2f", $1 / 1000 }')"
  log "hindsight: $type backup $id ($name) took $(secs "$t0" "$t1") s"
}

# ---------------------------------------------------------------------------------------
# shellcheck disable=SC2154  # the variables come from results.env
report() {
  # shellcheck disable=SC1091
  source "$WORK/results.env"
  local v='anchor_full_s anchor_full_bytes anchor_diff_s anchor_diff_bytes anchor_version hindsight_full_s
           anchor_diff2_s hindsight_diff2_s hindsight_diff2_engine_s hindsight_diff2_bytes
           hindsight_full_engine_s hindsight_diff_engine_s
           hindsight_full_bytes hindsight_diff_s hindsight_diff_bytes hindsight_diff_logical_bytes hindsight_version
           changed_pages changed_bytes changed_zstd_bytes' k
  for k in $v; do [[ -n ${!k:-} ]] || printf -v "$k" '%s' '–'; done
  ratio() { awk -v h="$1" -v a="$2" 'BEGIN { if (h+0 > 0 && a+0 > 0) printf "%.2f", h / a; else printf "–" }'; }
  pct() { awk -v h="$1" -v a="$2" 'BEGIN { if (h+0 > 0 && a+0 > 0) printf "%.1f %%", 100 * h / a; else printf "–" }'; }
  size() { [[ $1 =~ ^[0-9]+$ ]] && mb "$1" || echo "$1"; }
  local md=$OUT_DIR/diff-results$( (( COLD )) && echo -cold).md
  mkdir -p "$OUT_DIR"
  {
    echo "# PostgreSQL differential backup: Hindsight vs pgBackRest"
    echo
    echo "Command: \`$CMDLINE\`"
    echo
    echo "Run $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}')," \
         "$anchor_version (compress-type=zst, process-max=2, start-fast; file-level differential), Hindsight $hindsight_version;" \
         "page cache $( (( COLD )) && echo "dropped before every timed backup" || echo "warm (the data fits in memory)")."
    echo "Data: \`pgbench -i -s $SCALE\`, full backup, then \`$UPDATE_SQL\`: $changed_pages pages changed" \
         "($(size "$changed_bytes") MB, $(size "$changed_zstd_bytes") MB with zstd -3), counted by bench/lib/changed-pages.py."
    echo
    echo "| measure | pgBackRest | Hindsight | Hindsight / pgBackRest | goal |"
    echo "|---|---|---|---|---|"
    echo "| full backup, s | $anchor_full_s | $hindsight_full_s | $(ratio "$hindsight_full_s" "$anchor_full_s") | |"
    echo "| differential, s | $anchor_diff_s | $hindsight_diff_s | $(ratio "$hindsight_diff_s" "$anchor_diff_s") | |"
    echo "| differential / full time | $(pct "$anchor_diff_s" "$anchor_full_s") | $(pct "$hindsight_diff_s" "$hindsight_full_s") | | ≤ 10 % |"
    echo "| the same inside the daemon (s: full / differential) | | $hindsight_full_engine_s / $hindsight_diff_engine_s = $(pct "$hindsight_diff_engine_s" "$hindsight_full_engine_s") | | ≤ 10 % |"
    echo "| second differential (code warm), s | $anchor_diff2_s | $hindsight_diff2_s | $(ratio "$hindsight_diff2_s" "$anchor_diff2_s") | |"
    echo "| second differential / full time | $(pct "$anchor_diff2_s" "$anchor_full_s") | $(pct "$hindsight_diff2_s" "$hindsight_full_s") | | |"
    echo "| the same inside the daemon (s: full / second differential) | | $hindsight_full_engine_s / $hindsight_diff2_engine_s = $(pct "$hindsight_diff2_engine_s" "$hindsight_full_engine_s") | | |"
    echo "| differential in repository, MB | $(size "$anchor_diff_bytes") | $(size "$hindsight_diff_bytes") | $(ratio "$hindsight_diff_bytes" "$anchor_diff_bytes") | |"
    echo "| differential / compressed changed pages | $(ratio "$anchor_diff_bytes" "$changed_zstd_bytes") | $(ratio "$hindsight_diff_bytes" "$changed_zstd_bytes") | | ≤ 2 |"
    echo "| full backup in repository, MB | $(size "$anchor_full_bytes") | $(size "$hindsight_full_bytes") | $(ratio "$hindsight_full_bytes" "$anchor_full_bytes") | |"
    echo
    echo "Hindsight's differential stored $(size "$hindsight_diff_logical_bytes") MB of pages and small files before compression." \
         "Times are the whole command (checkpoint, copy, waiting for the stop WAL); sizes \`du -sb\` of the backup's directory."
  } >"$md"
  cat "$md"
  log "written: $md"
}

bench_main
