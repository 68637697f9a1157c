#!/bin/sh
# bench/store.sh: what the SQLite store costs.
#
#   bench/store.sh [BUILDDIR]     (default: the current directory)
#
# 1. Ingest 100,000 ThreadSanitizer reports of 1,000 distinct races and
#    compare "scan" with the store against "scan --no-store" (the goal is
#    at most twice the time).
# 2. Grow the store to 1,000,000 occurrences (ten copies of that log) and
#    time "issues" and "show" on it (the goal is well under a second).
# Not part of "make check": it writes about 2 GB of temporary files and
# runs for minutes.
set -eu
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-.}
FTTRIAGE=$(cd "$builddir" && pwd)/fttriage
[ -x "$FTTRIAGE" ] || { echo "no fttriage in $builddir" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/fttriage-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
export XDG_DATA_HOME="$W/data" XDG_CONFIG_HOME="$W/config"
unset FTTRIAGE_DB

# now: wall-clock seconds with nanoseconds.
now() { date +%s.%N; }
# elapsed START: seconds since START, 3 decimals.
elapsed() { echo "$(now) $1" | awk '{ printf "%.3f", $1 - $2 }'; }

sh "$top_srcdir/tests/progs/store/gen-log.sh" 100000 1000 >"$W/big.log"
size=$(wc -c <"$W/big.log" | tr -d ' ')
echo "log: 100000 reports, 1000 distinct races, $size bytes"

# cpu CMD...: run CMD, print its CPU seconds (user + system), or its
# wall-clock seconds when GNU time is not there.  CPU time is the fairer
# measure on a machine shared with other work.
if [ -x /usr/bin/time ]; then
	cpu() {
		/usr/bin/time -f '%U %S' -o "$W/time" "$@" >/dev/null
		awk '{ printf "%.3f", $1 + $2 }' "$W/time"
	}
	unit="s CPU"
else
	cpu() { t0=$(now); "$@" >/dev/null; elapsed "$t0"; }
	unit="s"
fi
min() { echo "$1 $2" | awk '{ print ($1 < $2) ? $1 : $2 }'; }

# Warm the page cache, then the best of three runs of each.
cat "$W/big.log" >/dev/null
best_nostore=999999 best_store=999999
wall_nostore=999999 wall_store=999999
for i in 1 2 3; do
	t0=$(now)
	t=$(cpu "$FTTRIAGE" scan --no-store "$W/big.log")
	wall_nostore=$(min "$(elapsed "$t0")" "$wall_nostore")
	best_nostore=$(min "$t" "$best_nostore")
	rm -f "$W/s.db" "$W/s.db-wal" "$W/s.db-shm"
	t0=$(now)
	t=$(cpu "$FTTRIAGE" scan --db "$W/s.db" --project bench "$W/big.log")
	wall_store=$(min "$(elapsed "$t0")" "$wall_store")
	best_store=$(min "$t" "$best_store")
done
echo "scan --no-store:           ${best_nostore}${unit} (${wall_nostore}s wall)"
echo "scan with the store:       ${best_store}${unit} (${wall_store}s wall)"
echo "$best_store $best_nostore $wall_store $wall_nostore" |
    awk '{ printf "ratio store / no-store:    %.2f (wall %.2f; goal <= 2)\n",
        $1 / $2, $3 / $4 }'
t0=$(now)
"$FTTRIAGE" scan --db "$W/s.db" --project bench "$W/big.log" >/dev/null
echo "rescan of the same log:    $(elapsed "$t0")s (adds nothing)"

# A store of a million occurrences: nine more copies under other names.
for i in 1 2 3 4 5 6 7 8 9; do
	ln "$W/big.log" "$W/copy$i.log"
done
t0=$(now)
for i in 1 2 3 4 5 6 7 8 9; do
	"$FTTRIAGE" scan --db "$W/s.db" --project bench "$W/copy$i.log" \
	    >/dev/null
done
echo "nine more ingests:         $(elapsed "$t0")s"
echo "store: $(du -k "$W/s.db" | cut -f1) KiB for 1,000,000 occurrences"

t0=$(now)
"$FTTRIAGE" issues --db "$W/s.db" >"$W/issues.txt"
echo "issues (1000 issues):      $(elapsed "$t0")s, $(wc -l <"$W/issues.txt") lines"
t0=$(now)
"$FTTRIAGE" issues --db "$W/s.db" --project bench --state new --since 1d \
    --format json >/dev/null
echo "issues --format json, filtered: $(elapsed "$t0")s"
id=$(sed -n 's/^ *\([0-9][0-9]*\)  .*/\1/p' "$W/issues.txt" | head -1)
t0=$(now)
"$FTTRIAGE" show --db "$W/s.db" "$id" >"$W/show.txt"
echo "show $id (1000 occurrences): $(elapsed "$t0")s"
t0=$(now)
"$FTTRIAGE" show --db "$W/s.db" --format json "$id" >/dev/null
echo "show --format json:        $(elapsed "$t0")s"
