#!/bin/sh
# fuzz/run.sh: replay the saved crashes, then fuzz each harness for a while.
#
#   fuzz/run.sh SRCDIR FUZZDIR SECONDS HARNESS...
#
# FUZZDIR holds the built harnesses (fuzz-HARNESS) and their seeds
# (seeds/HARNESS, from make-seeds.sh).  Each harness first runs once over
# every input in SRCDIR/fixtures/fuzz-regressions/HARNESS/, then fuzzes for
# SECONDS at the lowest CPU priority.  New interesting inputs go to
# FUZZDIR/corpus/HARNESS, crashes to FUZZDIR/crashes/HARNESS/.  One summary
# line per harness; the status is 1 if any harness crashed, leaked or hung.
set -u
src=$1
dir=$2
secs=$3
shift 3

failed=0
for h in "$@"; do
	bin=$dir/fuzz-$h
	if [ ! -x "$bin" ]; then
		echo "fuzz-$h: not built, skipped"
		continue
	fi
	log=$dir/fuzz-$h.out
	reg=$src/fixtures/fuzz-regressions/$h
	if [ -d "$reg" ] && [ -n "$(ls "$reg")" ]; then
		if ! "$bin" -timeout=20 "$reg"/* >"$log" 2>&1; then
			echo "fuzz-$h: a saved regression input fails again"
			tail -30 "$log"
			failed=1
			continue
		fi
	fi
	[ "$secs" -gt 0 ] || continue
	mkdir -p "$dir/corpus/$h" "$dir/crashes/$h" "$dir/seeds/$h"
	# The frame parsers read the scanner's words.
	dict=""
	case $h in
	frame|sieve)	d=$src/fuzz/scan.dict ;;
	*)	d=$src/fuzz/$h.dict ;;
	esac
	[ -f "$d" ] && dict="-dict=$d"
	nice -n 19 "$bin" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 $dict \
	    -artifact_prefix="$dir/crashes/$h/" \
	    "$dir/corpus/$h" "$dir/seeds/$h" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	echo "fuzz-$h: $secs s, ${execs:-?} executions, status $rc"
	if [ "$rc" -ne 0 ]; then
		# The fuzzer's progress lines start with '#' and may quote
		# dictionary words; the finding starts a line of its own.
		grep -v '^#' "$log" | grep -m1 -A30 -E \
		    '^==[0-9]+==ERROR|runtime error|^SUMMARY|^ALARM' ||
		    tail -30 "$log"
		ls "$dir/crashes/$h/"
		failed=1
	fi
done
exit $failed
