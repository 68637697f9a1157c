#!/bin/sh
# t0740-watch-crash: writers append real ThreadSanitizer output in random
# chunks (lines cut across writes) while the watcher is killed with
# SIGKILL at random moments and restarted, round after round.  At the end
# the store must hold exactly what one clean scan of the final files
# stores: the same issues with the same occurrence counts.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/store-lib.sh"
. "$top_srcdir/tests/watch-lib.sh"

w_tsan || w_skip_all "cannot build ThreadSanitizer programs with $CC"
w_writer || w_skip_all "cannot build the writer"
# Two different real outputs, so that files differ in issues and sizes.
TSAN_OPTIONS=halt_on_error=0 "$T/racy" 2 2>"$T/tsan2.out"

WRITERS=${WRITERS:-4}
REPEATS=${REPEATS:-30}
seed=${SEED:-$$}
echo "# seed $seed"

i=1
wp=
while [ $i -le "$WRITERS" ]; do
	src="$T/tsan.out"
	[ $((i % 2)) -eq 0 ] && src="$T/tsan2.out"
	mkdir -p "$T/logs/w$i"
	"$T/writer" -s $((seed + i)) -c 300 -u 20000 -n "$REPEATS" \
	    "$src" "$T/logs/w$i/tsan.$((1000 + i))" &
	wp="$wp $!"
	i=$((i + 1))
done

# Kill and restart the watcher while they write.
rounds=0
awk_rand() { awk -v s="$1" 'BEGIN { srand(s); printf "%.2f\n", 0.1 + rand() * 0.7 }'; }
while kill -0 $wp 2>/dev/null; do
	w_start
	sleep "$(awk_rand $((seed + rounds)))"
	kill -9 "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	wpid=
	rounds=$((rounds + 1))
	cp "$T/watch.err" "$T/round.$rounds.err"
done
for p in $wp; do wait "$p"; done
t_ok "$([ $rounds -ge 5 ]; echo $?)" \
    "the watcher was killed while writers wrote ($rounds rounds)"

# A last watcher reads the rest; the writers are done.
w_start
expect=$(cat "$T"/logs/*/* | grep -c '^SUMMARY: ThreadSanitizer')
t_is "$(w_wait_reports "$expect" 20)" "$expect" \
    "every report written is stored once ($expect)"
w_stop TERM
t_is "$wstatus" 0 "the last watcher exits 0"

t_is "$(st_issue_counts "$DB")" \
    "$(w_scan_counts "$T/clean.db" "$T"/logs/*/*)" \
    "same issues and occurrence counts as one clean scan"
t_is "$(st_sql "$DB" "SELECT count(*) FROM issues")" \
    "$(st_sql "$T/clean.db" "SELECT count(*) FROM issues")" \
    "same number of issues"
t_is "$(st_consistent "$DB")" ok "the store is consistent"
t_is "$(st_sql "$DB" "SELECT count(*) FROM reports WHERE complete = 0")" 0 \
    "no report was stored cut short"
t_done
