#!/bin/sh
# t0215-scan-readahead.sh: every way a log is read gives one answer.
#
# A regular file is read through mapped windows, a big one with the sieve
# marking lines ahead in a second thread; a pipe is read into a buffer and
# sieved in place.  For every corpus log, the hostile fixtures and a big
# log of CI noise with real reports, long lines and a line longer than a
# window in it, the JSON must be the same whichever way:
# FTTRIAGE_READAHEAD=1 (the thread, whatever the size), =0 (no thread),
# and standard input.  A file truncated while it is scanned must give a
# clear error or a clean result, never a crash.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
	t_skip "python3 is needed to write the big log"
	t_done
	exit
fi

# same NAME LOG: the three ways agree on LOG.
same() {
	FTTRIAGE_READAHEAD=1 "$FTTRIAGE" scan --no-store --format json "$2" \
	    >ra.json 2>ra.err
	rc1=$?
	FTTRIAGE_READAHEAD=0 "$FTTRIAGE" scan --no-store --format json "$2" \
	    >plain.json 2>plain.err
	rc2=$?
	"$FTTRIAGE" scan --no-store --format json - <"$2" >pipe.json 2>pipe.err
	rc3=$?
	cmp -s ra.json plain.json
	t_ok $? "$1: readahead and plain reading give the same reports"
	# Standard input has another name; otherwise the same.
	sed 's/"path":"[^"]*"/"path":"X"/' plain.json >a.json
	sed 's/"path":"[^"]*"/"path":"X"/' pipe.json >b.json
	cmp -s a.json b.json
	t_ok $? "$1: a pipe gives the same reports as the file"
	t_is "$rc1 $rc2 $rc3" "$rc2 $rc2 $rc2" "$1: the same exit status"
	# In a sanitizer build: no report of its own (a race between the
	# threads would show here).
	! grep -q 'WARNING: ThreadSanitizer\|ERROR: AddressSanitizer\|runtime error:' \
	    ra.err plain.err pipe.err
	t_ok $? "$1: no sanitizer report about fttriage itself"
}

for log in "$CORPUS"/*.log; do
	same "$(basename "$log")" "$log"
done
for log in "$top_srcdir"/fixtures/fuzz-regressions/fuzz-scan/*; do
	[ -f "$log" ] || continue
	same "fuzz-scan/$(basename "$log")" "$log"
done

# A big log: GitHub Actions noise, xdist workers, corpus reports every
# few thousand lines, lines over the line limit and one longer than a
# mapped window.
python3 - "$CORPUS" big.log <<'EOF'
import os, random, sys
corpus, out = sys.argv[1], sys.argv[2]
logs = sorted(os.path.join(corpus, f) for f in os.listdir(corpus)
              if f.endswith(".log"))
texts = [open(l, "rb").read() for l in logs]
rnd = random.Random(7)
noise = [
    b"tests/test_io.py::test_read[shared-%d] PASSED [ %d%%]",
    b"[gw%d] [ %d%%] PASSED tests/test_core.py::test_x",
    b"  /opt/hostedtoolcache/Python/3.13.1/x64/lib/python3.13t/x.py:%d: "
    b"DeprecationWarning: resize() is deprecated: %d",
    b"Collecting numpy>=1.%d%d", b"##[group]Run pytest -n %d %d",
    b"src/a.c:%d:%d: warning: unused variable 'x' [-Wunused-variable]",
]
with open(out, "wb") as f:
    sec = 0
    for block in range(700):
        for i in range(rnd.randrange(300, 500)):
            sec += 1
            f.write(b"2025-03-14T%02d:%02d:%02d.%07dZ " % (
                sec // 3600 % 24, sec // 60 % 60, sec % 60, sec * 7 % 10**7))
            f.write(rnd.choice(noise) % (rnd.randrange(99), rnd.randrange(99)))
            f.write(b"\n")
        f.write(texts[block % len(texts)])
        if not texts[block % len(texts)].endswith(b"\n"):
            f.write(b"\n")
        if block % 97 == 5:
            f.write(b"x" * 70000 + b"\n")
        if block == 350:
            f.write(b"y" * (5 << 20) + b"\n")
EOF
t_ok $? "a big log is written"
same big.log big.log

# Truncated while it is read: an error or a clean end, never a signal.
python3 -c '
import sys
line = b"2025-03-14T00:00:01.0000000Z tests/test_x.py::test_y PASSED [ 1%]\n"
with open("huge.log", "wb") as f:
    f.write(line * ((96 << 20) // len(line)))
'
bad=0
for delay in 0 0.01 0.02 0.05 0.1; do
	cp huge.log cut.log
	FTTRIAGE_READAHEAD=1 "$FTTRIAGE" scan --no-store --format json cut.log \
	    >/dev/null 2>cut.err &
	pid=$!
	sleep "$delay"
	: >cut.log
	wait "$pid"
	rc=$?
	if grep -q 'WARNING: ThreadSanitizer\|ERROR: AddressSanitizer' cut.err; then
		bad=1
		sed 's/^/#   /' cut.err | head -30
	fi
	if [ "$rc" -ge 128 ]; then
		bad=1
		echo "# killed by a signal after a cut at ${delay}s: $rc"
	elif [ "$rc" -eq 2 ] && ! grep -q "shrank while it was read" cut.err; then
		bad=1
		echo "# exit 2 without saying why:"
		sed 's/^/#   /' cut.err
	fi
done
t_ok $bad "a log truncated while it is scanned: no crash, a clear error"

t_done
