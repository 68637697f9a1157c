#!/bin/sh
# bench/watch.sh: the watcher under load.
#
#	bench/watch.sh [SECONDS [WRITERS]]      (defaults: 60 s, 50 writers)
#
# WRITERS processes append real ThreadSanitizer output (from
# tests/progs/watch/racy.c, built and run here) to their own files in
# random chunks for SECONDS while one watcher follows the directory.  It
# prints: reports written and stored (nothing lost, nothing duplicated:
# the store must equal one clean scan of the final files), the watcher's
# resident memory sampled every second (it must stay flat), its CPU time,
# and the latency from a report's last line being written to the report
# being in the store (median, 90th percentile, max), measured by polling
# the store every 50 ms.
#
# Run from the build directory (or set FTTRIAGE, top_srcdir); needs a
# compiler with ThreadSanitizer ($CC, default cc) and python3.
set -eu
DURATION=${1:-60}
WRITERS=${2:-50}
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${FTTRIAGE:=$PWD/fttriage}"
: "${CC:=cc}"
W=$(mktemp -d "${TMPDIR:-/tmp}/fttriage-bench-watch.XXXXXX")
wpid=
cleanup() {
	[ -n "$wpid" ] && kill -9 "$wpid" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
export XDG_CONFIG_HOME="$W/config" XDG_DATA_HOME="$W/data"

$CC -g -O1 -fsanitize=thread "$top_srcdir/tests/progs/watch/racy.c" \
    -o "$W/racy" -lpthread
TSAN_OPTIONS=halt_on_error=0 "$W/racy" 4 2>"$W/tsan4.out" || true
TSAN_OPTIONS=halt_on_error=0 "$W/racy" 2 2>"$W/tsan2.out" || true
$CC -O2 "$top_srcdir/tests/progs/watch/writer.c" -o "$W/writer"
mkdir "$W/logs"
printf 'log-level warning\n' >"$W/watch.conf"

"$FTTRIAGE" watch --db "$W/store.db" --config "$W/watch.conf" "$W/logs" \
    2>"$W/watch.err" &
wpid=$!
sleep 1

# Memory: VmRSS of the watcher every second.
( while kill -0 "$wpid" 2>/dev/null; do
	awk '/^VmRSS/ { r = $2 } /^RssAnon/ { a = $2 }
	    END { if (r != "") print r, a }' "/proc/$wpid/status" 2>/dev/null
	sleep 1
  done >"$W/rss" ) &
rsspid=$!

# Latency: per-file stored report counts every 50 ms, until told to stop.
python3 - "$W/store.db" "$W/polls" "$W/stop-polling" <<'PY' &
import os, sqlite3, sys, time
db, out, stop = sys.argv[1:4]
while not os.path.exists(db):
    time.sleep(0.05)
c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
with open(out, "w") as f:
    while not os.path.exists(stop):
        t = time.time()
        try:
            rows = c.execute("SELECT s.path, count(*) FROM reports r "
                             "JOIN sources s ON s.id = r.source_id "
                             "GROUP BY s.path").fetchall()
        except sqlite3.OperationalError:
            rows = []
        for path, n in rows:
            f.write("%.6f %s %d\n" % (t, path, n))
        f.flush()
        time.sleep(max(0, 0.05 - (time.time() - t)))
PY
pollpid=$!

echo "writers: $WRITERS for $DURATION s"
i=1
wp=
while [ "$i" -le "$WRITERS" ]; do
	src="$W/tsan4.out"
	[ $((i % 3)) -eq 0 ] && src="$W/tsan2.out"
	"$W/writer" -s "$i" -c 400 -u 40000 -d "$DURATION" \
	    -t "$W/times.$i" -m SUMMARY: "$src" "$W/logs/tsan.$((10000 + i))" &
	wp="$wp $!"
	i=$((i + 1))
done
for p in $wp; do wait "$p"; done

written=$(cat "$W"/logs/* | grep -c '^SUMMARY: ThreadSanitizer')
n=0
while [ "$n" -lt 600 ]; do
	stored=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM reports").fetchone()[0])' "$W/store.db")
	[ "$stored" -ge "$written" ] && break
	sleep 0.1
	n=$((n + 1))
done
sleep 1
touch "$W/stop-polling"
wait "$pollpid"
cpu=$(awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$wpid/stat")
kill -TERM "$wpid"
wait "$wpid" && status=0 || status=$?
wpid=
wait "$rsspid" 2>/dev/null || true

"$FTTRIAGE" scan --db "$W/clean.db" "$W"/logs/* >/dev/null 2>&1
python3 - "$W" "$WRITERS" "$written" "$cpu" "$status" "$DURATION" <<'PY'
import glob, os, sqlite3, statistics, sys
w, writers, written, cpu, status, duration = sys.argv[1:7]
writers, written = int(writers), int(written)

def counts(db):
    c = sqlite3.connect(db)
    return sorted(r[0] for r in c.execute("SELECT count FROM issues")), \
        c.execute("SELECT count(*) FROM reports").fetchone()[0]

got, stored = counts(os.path.join(w, "store.db"))
want, clean = counts(os.path.join(w, "clean.db"))
print("reports written %d, stored %d, clean scan %d" % (written, stored, clean))
print("issues: watcher %s, clean scan %s -> %s" % (got, want,
      "same" if got == want else "DIFFERENT"))

# First poll at which each file had n reports stored.
polls = {}
for line in open(os.path.join(w, "polls")):
    t, path, n = line.split()
    polls.setdefault(os.path.basename(path), []).append((float(t), int(n)))
lat = []
missing = 0
for i in range(1, writers + 1):
    name = "tsan.%d" % (10000 + i)
    seen = polls.get(name, [])
    j = 0
    for line in open(os.path.join(w, "times.%d" % i)):
        k, t = line.split()
        k, t = int(k), float(t)
        while j < len(seen) and seen[j][1] < k:
            j += 1
        if j == len(seen):
            missing += 1
            continue
        lat.append(max(0.0, seen[j][0] - t))
lat.sort()
if lat:
    print("latency (last line written -> in the store, %d reports, "
          "50 ms polls): median %.3f s, p90 %.3f s, p99 %.3f s, max %.3f s"
          % (len(lat), statistics.median(lat), lat[int(len(lat) * .9)],
             lat[int(len(lat) * .99)], lat[-1]))
if missing:
    print("reports never seen by the poller: %d" % missing)
samples = [x.split() for x in open(os.path.join(w, "rss")) if x.strip()]
for col, what in ((0, "RSS"), (1, "RssAnon (heap)")):
    rss = [int(x[col]) for x in samples if len(x) > col]
    if rss:
        q = max(1, len(rss) // 4)
        print("watcher %s (KiB): first %d, after 25%% %d, after 50%% %d, "
              "last %d, max %d (%d samples)" % (what, rss[0], rss[q],
              rss[len(rss) // 2], rss[-1], max(rss), len(rss)))
print("watcher CPU time %s s over %s s of writing; exit status %s"
      % (cpu, duration, status))
PY
sed 's/^/watch.err: /' "$W/watch.err" | head -5
