#!/bin/sh
# t0570-store-kill: kill -9 in the middle of an ingest leaves a consistent
# store with nothing of that ingest in it, and a rerun completes it to
# exactly the counts of a clean run.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/store-lib.sh"

if ! st_have_sql; then
	t_skip "no sqlite3 shell or python3 sqlite3 module to look inside"
	t_done
	exit 0
fi

sh "$PROGS/gen-log.sh" 40000 500 >"$T/big.log"

# The clean run, for reference.
"$FTTRIAGE" scan --project p --db "$T/clean.db" "$T/big.log" >/dev/null 2>&1
clean=$(st_counts "$T/clean.db")
t_is "$clean" "500|40000|2500|40000" "a clean ingest stores every report"

# A first, small ingest that must survive the crash.
sh "$PROGS/gen-log.sh" 30 3 7 >"$T/small.log"
"$FTTRIAGE" scan --project p "$T/small.log" >/dev/null 2>&1
before=$(st_counts "$DB")

# Kill the ingest of the big log part-way: once the store has started to
# write (its WAL grows), before the scan can have finished.
"$FTTRIAGE" scan --project p "$T/big.log" >/dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 400 ]; do
	sz=$({ wc -c <"$DB-wal"; } 2>/dev/null || echo 0)
	[ "$sz" -gt 200000 ] && break
	sleep 0.02
	i=$((i + 1))
done
kill -9 $pid 2>/dev/null
killed=$?
wait $pid 2>/dev/null
status=$?
t_ok "$([ $killed -eq 0 ] && [ $status -eq 137 ]; echo $?)" \
    "the ingest was killed part-way (kill=$killed status=$status)"
t_is "$(st_consistent "$DB")" ok "the store is consistent after kill -9"
t_is "$(st_counts "$DB")" "$before" "the killed ingest left nothing behind"

# The rerun completes it: the same counts as a clean run plus the small log.
"$FTTRIAGE" scan --project p "$T/big.log" >/dev/null 2>&1
t_is "$(st_consistent "$DB")" ok "the store is consistent after the rerun"
small=$(st_sql "$DB" \
    "SELECT count(*) FROM reports r JOIN sources s ON s.id = r.source_id \
     WHERE s.path LIKE '%small.log'")
t_is "$small" 30 "the small ingest is intact"
t_is "$(st_sql "$DB" "SELECT count(*) FROM reports r JOIN sources s ON \
    s.id = r.source_id WHERE s.path LIKE '%big.log'")" 40000 \
    "the rerun stores every report of the big log once"
t_is "$(st_sql "$DB" "SELECT count(DISTINCT r.issue_id) FROM reports r \
    JOIN sources s ON s.id = r.source_id WHERE s.path LIKE '%big.log'")" \
    500 "and groups them into the same 500 issues"

# And a third scan adds nothing.
after=$(st_counts "$DB")
"$FTTRIAGE" scan --project p "$T/big.log" >/dev/null 2>&1
t_is "$(st_counts "$DB")" "$after" "scanning it again adds nothing"

t_done
