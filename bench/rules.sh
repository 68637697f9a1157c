#!/bin/sh
# bench/rules.sh: the cost of the rules in a scan.  Generates a noisy CI log
# of about SIZE MB (pytest progress, compiler lines, timestamps, colour, a
# TSan report and a GIL warning now and then), then times "fttriage scan"
# on it with no rules and with every shipped rule, best of RUNS each, and
# prints the ratio.  The rules should cost at most 25%.  Not part of make
# check.
#
# usage: bench/rules.sh [FTTRIAGE [SIZE_MB [RUNS]]]
set -u
FT=${1:-./fttriage}
MB=${2:-200}
RUNS=${3:-3}
SRC=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d) || exit 2
trap 'rm -rf "$W"' EXIT
export LC_ALL=C
export FTTRIAGE_RULES_DIR="$SRC/rules"

"$FT" rules check >/dev/null || exit 2
nrules=$("$FT" rules list | wc -l)

awk -v mb="$MB" 'BEGIN {
	srand(42)
	want = mb * 1024 * 1024
	t[0] = "tests/test_core.py::test_roundtrip[float64-%d] PASSED                    [ %2d%%]"
	t[1] = "2025-05-01T05:34:57.%07dZ gcc -pthread -fno-strict-aliasing -O2 -Wall -fPIC -I/usr/include/python3.14t -c src/mod%d.c -o build/temp.linux-x86_64-cpython-314t/src/mod.o"
	t[2] = "\033[32m.\033[0m\033[32m.\033[0m\033[32m.\033[0m\033[33ms\033[0m\033[32m.\033[0m [%d/%d] test_thing"
	t[3] = "  File \"/home/runner/work/pkg/pkg/tests/test_io.py\", line %d, in test_read_%d"
	t[4] = "DEBUG    pkg.loader:loader.py:%d loading chunk %d of the dataset from cache"
	t[5] = "2025-05-01T05:35:%02d.1234567Z Downloading numpy-2.3.0-cp314-cp314t-manylinux_2_28_x86_64.whl (%d kB)"
	t[6] = "  warnings.warn(\"the default value of %d will change in a future version\", FutureWarning)"
	t[7] = "collected %d items / %d deselected / 3 skipped"
	tsan = "==================\nWARNING: ThreadSanitizer: data race (pid=4242)\n  Read of size 8 at 0x7f5e1c2a3b40 by thread T2:\n    #0 get_cache /src/ext/mod.c:20:9 (mod.cpython-314t-x86_64-linux-gnu.so+0x1234)\n    #1 PyList_GetItem Objects/listobject.c:300:5 (libpython3.14t.so.1.0+0x1300)\n\n  Previous write of size 8 at 0x7f5e1c2a3b40 by thread T1:\n    #0 get_cache /src/ext/mod.c:22:15 (mod.cpython-314t-x86_64-linux-gnu.so+0x1250)\n\n  Location is global 'cache' of size 8 at 0x7f5e1c2a3b40 (mod.cpython-314t-x86_64-linux-gnu.so+0x4040)\n\nSUMMARY: ThreadSanitizer: data race /src/ext/mod.c:20:9 in get_cache\n=================="
	gil = "<frozen importlib._bootstrap>:491: RuntimeWarning: The global interpreter lock (GIL) has been enabled to load module 'pkg._speedups', which has not declared that it can run safely without the GIL. To override this behavior and keep the GIL disabled (at your own risk), run with PYTHON_GIL=0 or -Xgil=0."
	n = 0
	while (n < want) {
		k = int(rand() * 8)
		line = sprintf(t[k], int(rand() * 100000), int(rand() * 100))
		if (rand() < 0.0002) line = tsan
		else if (rand() < 0.0002) line = gil
		print line
		n += length(line) + 1
	}
}' >"$W/noisy.log"
size=$(wc -c <"$W/noisy.log")
lines=$(wc -l <"$W/noisy.log")

# best CMD...: the least CPU time (user + system) and the least elapsed
# time of RUNS runs, output discarded.  CPU time is the figure to compare:
# on a shared machine elapsed time mostly measures the neighbours.
best() {
	i=0
	: >"$W/times"
	while [ $i -lt "$RUNS" ]; do
		/usr/bin/time -f "%U %S %e" -a -o "$W/times" "$@" >/dev/null \
		    2>/dev/null
		i=$((i + 1))
	done
	awk '{ c = $1 + $2; if (NR == 1 || c < bc) bc = c;
	    if (NR == 1 || $3 < be) be = $3 }
	    END { printf "%.2f %.2f", bc, be }' "$W/times"
}

cat "$W/noisy.log" >/dev/null	# warm the page cache
set -- $(best "$FT" scan --no-rules --no-symbolize --format json "$W/noisy.log")
none_cpu=$1 none_wall=$2
set -- $(best "$FT" scan --no-symbolize --format json "$W/noisy.log")
all_cpu=$1 all_wall=$2
reports_none=$("$FT" scan --no-rules --no-symbolize --format json "$W/noisy.log" | wc -l)
reports_all=$("$FT" scan --no-symbolize --format json "$W/noisy.log" | wc -l)

mbs() { echo "$size $1" | awk '{ if ($2 > 0) printf "%.0f", $1 / $2 / 1048576; else print "inf" }'; }
echo "log: $size bytes, $lines lines"
echo "reports: $reports_none without rules, $reports_all with $nrules rules"
echo "scan without rules: cpu ${none_cpu}s ($(mbs "$none_cpu") MB/s), elapsed ${none_wall}s"
echo "scan with all rules: cpu ${all_cpu}s ($(mbs "$all_cpu") MB/s), elapsed ${all_wall}s"
echo "ratio (cpu): $(echo "$all_cpu $none_cpu" | awk '{ printf "%.3f", $1 / $2 }') (at most 1.25 wanted)"
echo "ratio (elapsed): $(echo "$all_wall $none_wall" | awk '{ printf "%.3f", $1 / $2 }')"
