#!/bin/sh
# t0200-scan-tsan-real.sh: real sanitizer reports, straight from the
# runtime, read back by `fttriage scan`.
#
# Each program under tests/progs/scan/ triggers one report kind.  It is
# built with gcc and with clang, run symbolized and with symbolize=0, and
# the JSON that scan prints is held against the expectations written in
# the program's header comment (tests/scan-check.py reads them; line
# numbers come from the "/* @marker */" comments, so editing a program does
# not break the test).  Then the same real output is dressed up the ways
# CI logs dress it (timestamps, colour, CRLF, pytest and xdist prefixes,
# build-tool prefixes, cuts) and must come out the same.

. "$top_srcdir/tests/lib.sh"

PROGS="$top_srcdir/tests/progs/scan"
CHECK="$top_srcdir/tests/scan-check.py"
TSAN_PROGS="race race-atomic uaf thread-leak lock-order signal-unsafe
signal-errno unlock-unlocked destroy-locked double-lock"

if ! command -v python3 >/dev/null 2>&1; then
	t_skip "python3 is needed to read the JSON"
	t_done
	exit
fi

# check DESCRIPTION CMD...: one result; the checker's complaints become
# TAP diagnostics.
check() {
	desc=$1
	shift
	"$@" >"$T/check.out" 2>&1
	rc=$?
	t_ok $rc "$desc"
	[ $rc -eq 0 ] || sed 's/^/#   /' "$T/check.out" | head -40
}

# scan LOG: JSON for LOG in LOG.json.
scan() {
	"$FTTRIAGE" scan --format json "$1" >"$1.json" 2>"$1.err"
}

# pid_of OUT: the pid a test program printed on stdout.
pid_of() {
	sed -n 's/^pid //p' "$1"
}

# build CC: compile every program with CC into $T/CC/.
build() {
	cc=$1
	mkdir -p "$T/$cc"
	for p in $TSAN_PROGS; do
		$cc -fsanitize=thread -g -O1 -o "$T/$cc/$p" "$PROGS/$p.c" \
		    -lpthread || return 1
	done
	$cc -fsanitize=thread -g -O1 -fPIC -shared -o "$T/$cc/libext.so" \
	    "$PROGS/ext.c" &&
	$cc -fsanitize=thread -g -O1 -o "$T/$cc/ext-host" \
	    "$PROGS/ext-host.c" -ldl -lpthread &&
	$cc -fsanitize=address -g -O1 -o "$T/$cc/asan-uaf" \
	    "$PROGS/asan-uaf.c" &&
	$cc -fsanitize=undefined -g -O1 -o "$T/$cc/ubsan" "$PROGS/ubsan.c"
}

# run_one CC PROG MODE: run a program (MODE sym or nosym), scan its
# stderr, check the reports.
run_one() {
	cc=$1 p=$2 mode=$3
	dir="$T/$cc"
	log="$dir/$p.$mode.log"
	case $mode in
	sym)	opt= ;;
	nosym)	opt=symbolize=0 ;;
	esac
	src="--src $PROGS/$p.c --module $p.c=$p"
	# ASan and UBSan name the module only when they cannot symbolize.
	case $p.$mode in
	asan-uaf.sym|ubsan.sym)	src="--src $PROGS/$p.c" ;;
	esac
	case $p in
	ext-host)
		src="$src --src $PROGS/ext.c --module ext.c=libext.so"
		(cd "$dir" && TSAN_OPTIONS=$opt ./ext-host ./libext.so) \
		    >"$log.out" 2>"$log" ;;
	asan-uaf)
		ASAN_OPTIONS=$opt "$dir/$p" >"$log.out" 2>"$log" ;;
	ubsan)
		UBSAN_OPTIONS="print_stacktrace=1${opt:+:$opt}" "$dir/$p" \
		    >"$log.out" 2>"$log" ;;
	*)
		TSAN_OPTIONS=$opt "$dir/$p" >"$log.out" 2>"$log" ;;
	esac
	scan "$log"
	nosym=
	[ "$mode" = nosym ] && nosym=--nosym
	# shellcheck disable=SC2086
	check "$cc $p ($mode): kinds, stacks, frames, pid" \
	    python3 "$CHECK" expect $src --pid "$(pid_of "$log.out")" \
	    $nosym "$log.json"
}

compilers=
for cc in gcc clang; do
	if ! command -v $cc >/dev/null 2>&1; then
		t_skip "$cc is not installed"
		continue
	fi
	if ! build $cc >"$T/build-$cc.err" 2>&1; then
		if grep -q 'cannot find.*tsan\|cannot find.*asan' \
		    "$T/build-$cc.err"; then
			t_skip "$cc has no sanitizer runtimes"
			continue
		fi
		t_ok 1 "$cc builds the test programs"
		sed 's/^/#   /' "$T/build-$cc.err" | head -20
		continue
	fi
	t_ok 0 "$cc builds the test programs"
	compilers="$compilers $cc"
	for p in $TSAN_PROGS ext-host asan-uaf ubsan; do
		for mode in sym nosym; do
			run_one $cc $p $mode
		done
	done
done

if [ -z "$compilers" ]; then
	t_done
	exit
fi
cc=${compilers# }
cc=${cc%% *}
G="$T/$cc"

# UBSan without a stack trace: one report, no stacks.
UBSAN_OPTIONS= "$G/ubsan" >/dev/null 2>"$T/ub.log"
scan "$T/ub.log"
check "ubsan without a stack trace: one report" python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert len(r) == 1, r
assert r[0]["kind"] == "ubsan" and r[0]["stacks"] == [], r
assert "signed integer overflow" in r[0]["title"], r[0]["title"]
' "$T/ub.log.json"

# log_path: one file per process, named after the pid.
mkdir "$T/lp"
TSAN_OPTIONS="log_path=$T/lp/race" "$G/race" >"$T/lp.out" 2>"$T/lp.err"
pid=$(pid_of "$T/lp.out")
t_ok $([ -f "$T/lp/race.$pid" ]; echo $?) "log_path wrote race.<pid>"
"$FTTRIAGE" scan --format json "$T/lp/race.$pid" >"$T/lp.json"
check "log_path file: kinds, stacks, frames, pid" \
    python3 "$CHECK" expect --src "$PROGS/race.c" --module race.c=race \
    --pid "$pid" "$T/lp.json"
check "log_path file: source path and first line" python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).readline())
assert r["source"]["path"] == sys.argv[2], r["source"]
assert r["source"]["first_line"] == int(sys.argv[3]), r["source"]
' "$T/lp.json" "$T/lp/race.$pid" \
    "$(grep -n 'WARNING: ThreadSanitizer' "$T/lp/race.$pid" | cut -d: -f1)"

# ---- the same real output in messy CI logs -----------------------------

frame() {
	python3 "$CHECK" frame "$@"
}

R="$G/race.sym.log"
L="$G/lock-order.sym.log"
U="$G/uaf.sym.log"

frame colour <"$R" | frame github | frame crlf >"$T/m1.log"
scan "$T/m1.log"
check "timestamps, colour and CRLF: same report" \
    python3 "$CHECK" same "$R.json" "$T/m1.log.json"

frame pytest <"$L" >"$T/m2.log"
scan "$T/m2.log"
check "pytest 'E   ' prefixes: same report" \
    python3 "$CHECK" same "$L.json" "$T/m2.log.json"

frame tool <"$U" | frame github >"$T/m3.log"
scan "$T/m3.log"
check "build-tool prefix under timestamps: same report" \
    python3 "$CHECK" same "$U.json" "$T/m3.log.json"

frame gw "$U" <"$R" | frame github >"$T/m4.log"
scan "$T/m4.log"
check "two xdist workers interleaved line by line: two reports" \
    python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert sorted(x["channel"] for x in r) == ["gw0", "gw1"], r
' "$T/m4.log.json"
for w in 0 1; do
	grep "\"channel\":\"gw$w\"" "$T/m4.log.json" >"$T/m4.gw$w.json"
done
check "worker gw0 yields its full report" \
    python3 "$CHECK" same "$R.json" "$T/m4.gw0.json"
check "worker gw1 yields its full report" \
    python3 "$CHECK" same "$U.json" "$T/m4.gw1.json"

frame cut 0.55 <"$R" >"$T/m5.log"
scan "$T/m5.log"
check "a report cut mid-frame: one incomplete report, stacks kept" \
    python3 -c '
import json, sys
full = json.loads(open(sys.argv[1]).readline())
r = [json.loads(l) for l in open(sys.argv[2])]
assert len(r) == 1, r
r = r[0]
assert r["kind"] == full["kind"], r["kind"]
assert r["complete"] is False and r["missing"], r
assert r["pid"] == full["pid"], r["pid"]
assert r["stacks"][0] == full["stacks"][0], r["stacks"][0]
' "$R.json" "$T/m5.log.json"

frame behead 4 <"$R" | frame github >"$T/m6.log"
scan "$T/m6.log"
check "a header missing its first characters: same kind and stacks" \
    python3 -c '
import json, sys
full = json.loads(open(sys.argv[1]).readline())
r = [json.loads(l) for l in open(sys.argv[2])]
assert len(r) == 1, r
r = r[0]
assert r["kind"] == full["kind"], r["kind"]
assert r["pid"] == full["pid"], r["pid"]
assert r["stacks"] == full["stacks"], r["stacks"]
' "$R.json" "$T/m6.log.json"

frame headless <"$L" | frame pytest >"$T/m7.log"
scan "$T/m7.log"
check "a report without its header: emitted, marked, frames kept" \
    python3 -c '
import json, sys
full = json.loads(open(sys.argv[1]).readline())
r = [json.loads(l) for l in open(sys.argv[2])]
assert len(r) == 1, [x["kind"] for x in r]
r = r[0]
assert r["complete"] is False and "header" in r["missing"], r["missing"]
got = [f for s in r["stacks"] for f in s["frames"]]
want = [f for s in full["stacks"] for f in s["frames"]]
assert got == want, (got, want)
' "$L.json" "$T/m7.log.json"

t_done
