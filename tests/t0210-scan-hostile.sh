#!/bin/sh
# t0210-scan-hostile.sh: input built to hurt the scanner.
#
# A 100 MB line, NUL bytes and invalid UTF-8 inside a report, a report cut
# mid-frame, 100,000 reports in one log, an executable, a directory, a
# FIFO, /dev/zero and a missing file among good ones.  Whatever comes in:
# no crash, no hang (everything runs under timeout), memory bounded (peak
# RSS under 64 MiB), every JSON line valid, and a diagnostic that names
# the problem.  The report used throughout is real ThreadSanitizer output
# from tests/progs/scan/race.c.

. "$top_srcdir/tests/lib.sh"

PROGS="$top_srcdir/tests/progs/scan"
RSS_MAX_KB=65536
# In a build with --enable-asan, ASan's quarantine of freed memory would be
# counted as ours: turn it off (no effect on other builds).
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
export ASAN_OPTIONS

if ! command -v python3 >/dev/null 2>&1; then
	t_skip "python3 is needed to read the JSON"
	t_done
	exit
fi

# scan_rss LOG...: scan under a timeout; JSON in $T/out, stderr in
# $T/err, exit status in $t_rc, peak RSS (KiB) in $rss.  GNU time measures
# the process itself; without it Python's figure for its child is used,
# which also counts the memory of the Python process it was forked from
# (so it can only err on the high side).
scan_rss() {
	if [ -x /usr/bin/time ]; then
		timeout 120 /usr/bin/time -f %M -o rss.t \
		    "$FTTRIAGE" scan --format json "$@" >out 2>err
		t_rc=$?
		rss=$(tail -n 1 rss.t)
		return
	fi
	python3 - "$FTTRIAGE" "$@" >"$T/rss" <<-'EOF'
	import resource, subprocess, sys
	with open("out", "wb") as o, open("err", "wb") as e:
	    try:
	        rc = subprocess.call(["timeout", "120", sys.argv[1], "scan",
	                              "--format", "json"] + sys.argv[2:],
	                             stdout=o, stderr=e)
	    except OSError as x:
	        rc = 127
	print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
	EOF
	read -r t_rc rss <"$T/rss"
}

# json_ok FILE: every line is a JSON object (strict UTF-8).
json_ok() {
	python3 -c '
import json, sys
n = 0
for n, line in enumerate(open(sys.argv[1], "rb"), 1):
    o = json.loads(line.decode("utf-8"))
    assert isinstance(o, dict)
' "$1"
}

# query EXPR FILE: evaluate a Python expression over r, the list of reports.
query() {
	python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[2], "rb")]
print(eval(sys.argv[1]))
' "$1" "$2"
}

# A real report to build hostile logs from.
REPORT=
for cc in gcc clang; do
	command -v $cc >/dev/null 2>&1 || continue
	if $cc -fsanitize=thread -g -O1 -o race "$PROGS/race.c" -lpthread \
	    2>/dev/null; then
		./race >race.out 2>race.log
		grep -q 'WARNING: ThreadSanitizer: data race' race.log &&
		    REPORT="$T/race.log" && break
	fi
done
if [ -z "$REPORT" ]; then
	t_skip "no compiler here builds a ThreadSanitizer program"
	t_done
	exit
fi
"$FTTRIAGE" scan --format json "$REPORT" >race.json
t_is "$(query 'len(r), r[0]["kind"], r[0]["complete"]' race.json)" \
    "(1, 'tsan-data-race', True)" "the real report scans whole"

# ---- a single line of 100 MB, then the report ------------------------
python3 -c '
import sys
with open("long.log", "wb") as f:
    chunk = b"x" * (1 << 20)
    for i in range(100):
        f.write(chunk)
    f.write(b"\n")
    f.write(open(sys.argv[1], "rb").read())
' "$REPORT"
scan_rss long.log
t_is "$t_rc" 0 "100 MB line: exit status 0"
t_is "$(query 'len(r), r[0]["kind"], r[0]["complete"]' out)" \
    "(1, 'tsan-data-race', True)" "100 MB line: the report after it is whole"
t_ok $([ "$rss" -lt $RSS_MAX_KB ]; echo $?) \
    "100 MB line: peak RSS ${rss} KiB < $RSS_MAX_KB"
t_ok $(grep -q "long.log: 1 line(s) longer than" err; echo $?) \
    "100 MB line: a warning says a line was cut"

# The same line with no newline at all, the report glued to its end.
python3 -c '
import sys
with open("glued.log", "wb") as f:
    f.write(b"y" * (100 << 20))
    f.write(open(sys.argv[1], "rb").read())
' "$REPORT"
scan_rss glued.log
t_is "$t_rc" 0 "100 MB line with a report glued on: exit status 0"
t_ok $([ "$rss" -lt $RSS_MAX_KB ]; echo $?) \
    "100 MB line with a report glued on: peak RSS ${rss} KiB"
t_ok $(json_ok out; echo $?) "100 MB line with a report glued on: valid JSON"

# ---- NUL bytes inside report lines -------------------------------------
# A run of NULs on a line of its own (what a truncated, preallocated log
# file shows), NULs inside a function name and a module name, NULs after
# the report's last line.
python3 -c '
import sys
t = open(sys.argv[1], "rb").read()
t = b"\0" * 300 + b"\n" + t
t = t.replace(b" bump ", b" bu\0\0mp ", 1)
t = t.replace(b"(race+", b"(ra\0ce+", 1)
t = t.replace(b"reported 1 warnings", b"reported 1 warnings\0\0\0", 1)
open("nul.log", "wb").write(t)
' "$REPORT"
scan_rss nul.log
t_is "$t_rc" 0 "NUL bytes: exit status 0"
t_ok $(json_ok out; echo $?) "NUL bytes: every line valid JSON"
t_is "$(query 'len(r), [s["role"] for s in r[0]["stacks"]] if r else None' out)" \
    "$(query 'len(r), [s["role"] for s in r[0]["stacks"]]' race.json)" \
    "NUL bytes: one report, same stacks"
t_is "$(query 'r[0]["stacks"][0]["frames"][0]["function"], r[0]["stacks"][0]["frames"][0]["module"]' out)" \
    "('bu??mp', 'ra?ce')" "NUL bytes: shown as '?' in the frame"
t_is "$(query 'r[0]["complete"], r[0]["missing"]' out)" \
    "(False, 'binary bytes replaced')" "NUL bytes: the report says so"
t_ok $(grep -q "nul.log: .* binary bytes" err; echo $?) \
    "NUL bytes: a warning on stderr"

# ---- invalid UTF-8 in function and file names --------------------------
python3 -c '
import sys
t = open(sys.argv[1], "rb").read()
t = t.replace(b" bump ", b" bump\xff\xfe\xc0\xaf ", 1)
t = t.replace(b" worker ", b" wo\x80rk\xe2\x82 ", 1)
t = t.replace(b"race.c", b"ra\xedce.c", 1)
open("utf8.log", "wb").write(t)
' "$REPORT"
scan_rss utf8.log
t_is "$t_rc" 0 "invalid UTF-8: exit status 0"
t_ok $(json_ok out; echo $?) "invalid UTF-8: every line valid JSON"
t_is "$(query 'len(r), len(r[0]["stacks"]), r[0]["stacks"][0]["frames"][1]["function"]' out)" \
    "(1, 3, 'main')" "invalid UTF-8: report and frames kept"

# ---- a log cut in the middle of a frame --------------------------------
python3 -c '
import sys
t = open(sys.argv[1], "rb").read()
i = t.index(b"#0", t.index(b"Previous"))
open("cut.log", "wb").write(t[:i + 9])
' "$REPORT"
scan_rss cut.log
t_is "$t_rc" 0 "cut mid-frame: exit status 0"
t_is "$(query 'len(r), r[0]["kind"], r[0]["complete"], bool(r[0]["missing"])' out)" \
    "(1, 'tsan-data-race', False, True)" \
    "cut mid-frame: one report, marked incomplete"

# ---- 100,000 reports in one log ----------------------------------------
python3 -c '
import sys
t = open(sys.argv[1], "rb").read()
with open("many.log", "wb") as f:
    for i in range(100000):
        f.write(t)
' "$REPORT"
scan_rss many.log
t_is "$t_rc" 0 "100,000 reports: exit status 0"
t_is "$(wc -l <out | tr -d ' ')" 100000 "100,000 reports: 100,000 JSON lines"
t_is "$(grep -c '"kind":"tsan-data-race","family":"tsan-data-race".*"complete":true' out)" \
    100000 "100,000 reports: all whole data races"
t_ok $([ "$rss" -lt $RSS_MAX_KB ]; echo $?) \
    "100,000 reports: peak RSS ${rss} KiB < $RSS_MAX_KB"
head -n 50 out >first
tail -n 50 out >last
t_ok $(json_ok first && json_ok last; echo $?) \
    "100,000 reports: first and last lines valid JSON"
t_is "$(query 'r[-1]["source"]["first_line"]' last)" \
    "$(($(wc -l <"$REPORT") * 99999 + $(query 'r[0]["source"]["first_line"]' race.json)))" \
    "100,000 reports: the last one is placed right"

# ---- not logs -----------------------------------------------------------
bin=$(command -v ls)
scan_rss "$bin"
t_is "$t_rc" 0 "an executable: exit status 0"
t_ok $(json_ok out; echo $?) "an executable: valid JSON"
t_ok $(grep -q "binary bytes" err; echo $?) \
    "an executable: a warning about binary bytes"

mkdir dir
mkfifo fifo
for x in dir fifo /dev/zero; do
	start=$(date +%s)
	scan_rss "$x"
	t_is "$t_rc" 2 "$x: refused with exit status 2"
	t_ok $([ $(($(date +%s) - start)) -lt 10 ]; echo $?) "$x: quickly"
	t_ok $(grep -q "^fttriage: .*'$x'" err; echo $?) \
	    "$x: a diagnostic naming it"
done

# A missing file among good ones: the others are still read.
cp "$REPORT" a.log
cp "$REPORT" b.log
scan_rss a.log missing.log b.log
t_is "$t_rc" 2 "a missing file among good ones: exit status 2"
t_is "$(query 'sorted(x["source"]["path"] for x in r)' out)" \
    "['a.log', 'b.log']" "a missing file among good ones: both others read"
t_ok $(grep -q "^fttriage: cannot open 'missing.log'" err; echo $?) \
    "a missing file among good ones: a diagnostic naming it"

t_done
