#!/bin/sh
# bench/scan.sh: how fast `fttriage scan` reads a big CI log, against
# grep and wc on the same file.
#
#   bench/scan.sh [SIZE_MIB]        (default 1024; `make bench` runs it)
#
# Builds tests/progs/scan/race.c with ThreadSanitizer and captures its real
# report, then writes a log of SIZE_MIB of pytest/CI noise (a GitHub
# Actions timestamp on every line, pytest progress and xdist lines,
# warnings, tracebacks, compiler lines, pip output) with that report every
# ~2,000 lines.  With the file in the page cache it times (best of three,
# wall clock and CPU time) `fttriage scan --format json FILE >/dev/null`,
# the same with its readahead thread off (FTTRIAGE_READAHEAD=0), `grep -c
# ThreadSanitizer FILE` and `wc -l FILE`, and prints the ratios and scan's
# peak resident memory.  The target: scan no slower than grep -c (wall
# clock), and under 64 MiB whatever the size.
#
# Environment: FTTRIAGE (the binary; default ./fttriage), CC (default
# gcc, then clang), BENCH_DIR (where the log goes; default $TMPDIR or
# /tmp), BENCH_KEEP=1 keeps the log.

set -eu

size_mib=${1:-1024}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
FTTRIAGE=${FTTRIAGE:-./fttriage}
dir=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/fttriage-bench.XXXXXX")
if [ "${BENCH_KEEP:-0}" = 1 ]; then
	echo "log kept in $dir"
else
	trap 'rm -rf "$dir"' EXIT
fi
export LC_ALL=C

[ -x "$FTTRIAGE" ] || { echo "scan.sh: no fttriage at $FTTRIAGE" >&2; exit 1; }
command -v python3 >/dev/null || { echo "scan.sh: python3 needed" >&2; exit 1; }

# A real report.
for cc in ${CC:-} gcc clang; do
	[ -n "$cc" ] || continue
	if $cc -fsanitize=thread -g -O1 -o "$dir/race" \
	    "$top_srcdir/tests/progs/scan/race.c" -lpthread 2>/dev/null; then
		"$dir/race" >/dev/null 2>"$dir/report.txt" || true
		grep -q 'WARNING: ThreadSanitizer' "$dir/report.txt" && break
	fi
done
if ! grep -q 'WARNING: ThreadSanitizer' "$dir/report.txt" 2>/dev/null; then
	echo "scan.sh: cannot build a ThreadSanitizer program" >&2
	exit 1
fi

log="$dir/ci.log"
echo "writing $size_mib MiB of CI noise to $log ..."
python3 - "$dir/report.txt" "$log" "$size_mib" <<'EOF'
import random, sys

report = open(sys.argv[1]).read().splitlines()
out = open(sys.argv[2], "w", buffering=1 << 20)
limit = int(sys.argv[3]) << 20
rnd = random.Random(1)

mods = ["core", "io", "parser", "threads", "buffer", "codec", "pool", "cache"]
tests = ["test_%s_%d" % (m, i) for m in mods for i in range(40)]
words = ("thread lock buffer concurrent shared iterate append resize "
         "decode encode release acquire").split()

def noise():
    k = rnd.random()
    m = rnd.choice(mods)
    t = rnd.choice(tests)
    if k < 0.45:
        return ("tests/test_%s.py::%s[%s-%d] %s [%3d%%]" %
                (m, t, rnd.choice(words), rnd.randrange(64),
                 rnd.choice(["PASSED", "PASSED", "PASSED", "SKIPPED",
                             "XFAIL"]), rnd.randrange(101)))
    if k < 0.60:
        return ("[gw%d] [%3d%%] PASSED tests/test_%s.py::%s" %
                (rnd.randrange(4), rnd.randrange(101), m, t))
    if k < 0.68:
        return ("  /opt/hostedtoolcache/Python/3.13.1/x64-freethreaded/lib/"
                "python3.13t/site-packages/%s/_%s.py:%d: "
                "DeprecationWarning: %s() is deprecated; use %s_%s() instead"
                % (m, m, rnd.randrange(2000), rnd.choice(words), m,
                   rnd.choice(words)))
    if k < 0.78:
        return rnd.choice([
            "Traceback (most recent call last):",
            '  File "/home/runner/work/pkg/pkg/src/pkg/%s.py", line %d, '
            "in %s" % (m, rnd.randrange(900), rnd.choice(words)),
            "    result = self._%s(data, timeout=%d)" %
            (rnd.choice(words), rnd.randrange(30)),
            "ValueError: cannot %s %s while the pool is closed" %
            (rnd.choice(words), m),
            "During handling of the above exception, another exception "
            "occurred:",
        ])
    if k < 0.90:
        return rnd.choice([
            "gcc -pthread -fno-strict-overflow -Wsign-compare -DNDEBUG -g "
            "-O3 -Wall -fPIC -I/opt/python/include/python3.13t "
            "-c src/pkg/_%s.c -o build/temp.linux-x86_64-cpython-313t/"
            "src/pkg/_%s.o" % (m, m),
            "src/pkg/_%s.c:%d:%d: warning: unused variable '%s' "
            "[-Wunused-variable]" % (m, rnd.randrange(3000),
                                     rnd.randrange(40), rnd.choice(words)),
            "[%d/%d] Compiling C object src/pkg/_%s.cpython-313t-x86_64-"
            "linux-gnu.so.p/_%s.c.o" % (rnd.randrange(200), 200, m, m),
            "building 'pkg._%s' extension" % m,
        ])
    return rnd.choice([
        "Collecting %s>=1.%d" % (m, rnd.randrange(30)),
        "  Downloading %s-1.%d.%d-cp313-cp313t-manylinux_2_17_x86_64.whl "
        "(%d kB)" % (m, rnd.randrange(30), rnd.randrange(9),
                     rnd.randrange(9000)),
        "Requirement already satisfied: %s in ./venv/lib/python3.13t/"
        "site-packages (from pkg==0.1.dev0) (1.%d)" % (m, rnd.randrange(30)),
        "##[group]Run python -m pytest -n 4 -v --timeout=600",
        "##[endgroup]",
        "",
    ])

# A pool of noise lines, reused with fresh timestamps: generating every
# line anew would make this script slower than the thing it measures.
pool = [noise() for _ in range(50021)]
written = 0
n = 0
reports = 0
sec = 0
while written < limit:
    chunk = []
    for i in range(rnd.randrange(1900, 2100)):
        sec += 1
        chunk.append("2025-03-14T%02d:%02d:%02d.%07dZ %s\n" %
                     (sec // 3600000 % 24, sec // 60000 % 60,
                      sec // 1000 % 60, sec % 1000 * 9973,
                      pool[n % len(pool)]))
        n += 1
    for l in report:
        sec += 1
        chunk.append("2025-03-14T%02d:%02d:%02d.%07dZ %s\n" %
                     (sec // 3600000 % 24, sec // 60000 % 60,
                      sec // 1000 % 60, sec % 1000 * 9973, l))
    reports += 1
    s = "".join(chunk)
    out.write(s)
    written += len(s)
out.close()
open(sys.argv[2] + ".reports", "w").write("%d\n" % reports)
EOF

bytes=$(wc -c <"$log")
lines=$(wc -l <"$log")
expect=$(cat "$log.reports")
echo "log: $bytes bytes, $lines lines, $expect ThreadSanitizer reports"
# Written back and in the page cache: no disk traffic in the timings.
sync 2>/dev/null || :
cat "$log" >/dev/null

# Best of three runs of each command: wall clock, and CPU time (user +
# system; on a shared machine the steadier of the two).
python3 - "$FTTRIAGE" "$log" >"$dir/times" <<'EOF'
import os, subprocess, sys, time

fttriage, log = sys.argv[1], sys.argv[2]
cmds = [
    ("fttriage scan --format json",
     [fttriage, "scan", "--format", "json", log]),
    ("grep -c ThreadSanitizer", ["grep", "-c", "ThreadSanitizer", log]),
    ("wc -l", ["wc", "-l", log]),
    ("  the same, one thread",
     [fttriage, "scan", "--format", "json", log]),
]
one_thread = dict(os.environ, FTTRIAGE_READAHEAD="0")
wall, cpu = {}, {}
rss = 0
for _ in range(3):
    for name, argv in cmds:
        t0 = time.perf_counter()
        # GNU grep stops at the first match when its output is
        # /dev/null, so the small outputs go through a pipe.
        with open(os.devnull, "wb") as null:
            p = subprocess.Popen(argv, stdout=null if argv[0] == fttriage
                                 else subprocess.PIPE,
                                 env=one_thread if name.startswith(" ")
                                 else None)
            if p.stdout is not None:
                p.stdout.read()
            _, status, ru = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t0
        if status != 0:
            sys.exit("%s failed: status %d" % (name, status))
        wall[name] = min(wall.get(name, dt), dt)
        c = ru.ru_utime + ru.ru_stime
        cpu[name] = min(cpu.get(name, c), c)
        if argv[0] == fttriage:
            rss = max(rss, ru.ru_maxrss)
size = os.path.getsize(log)
for name, _ in cmds:
    print("%-28s wall %7.3f s (%5.0f MiB/s)  cpu %7.3f s" %
          (name, wall[name], size / wall[name] / (1 << 20), cpu[name]))
s, g, w, s1 = (wall[c[0]] for c in cmds)
cs, cg, cw, cs1 = (cpu[c[0]] for c in cmds)
print("scan / grep -c   = %.2f wall, %.2f cpu" % (s / g, cs / cg))
print("scan / wc -l     = %.2f wall, %.2f cpu" % (s / w, cs / cw))
print("one thread / grep -c = %.2f wall, %.2f cpu" % (s1 / g, cs1 / cg))
print("rss-from-python %d" % rss)
EOF
grep -v '^rss-from-python' "$dir/times"

# Peak RSS: GNU time sees the process alone; Python's figure for a child
# also counts the Python process it was forked from (an overestimate).
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f %M -o "$dir/rss" "$FTTRIAGE" scan --format json \
	    "$log" >/dev/null
	rss=$(tail -n 1 "$dir/rss")
else
	rss=$(sed -n 's/^rss-from-python //p' "$dir/times")
fi
echo "scan peak RSS    = $((rss / 1024)) MiB ($rss KiB)"
awk -v r="$rss" '/^scan \/ grep/ {
	printf "target: scan/grep <= 1.00 %s (wall), peak RSS < 64 MiB %s\n",
	    ($6 + 0 <= 1.0 ? "met" : "MISSED"), (r < 65536 ? "met" : "MISSED")
}' "$dir/times"

# The reports must all be found (counted from a separate run).
found=$("$FTTRIAGE" scan --format json "$log" | grep -c '"kind":"tsan-data-race"' || true)
echo "reports found by scan: $found of $expect"
[ "$found" = "$expect" ]
