#!/bin/sh
# t0590-store-concurrent: two scans writing one store at the same time both
# succeed (one waits for the other) and every report is stored once.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/store-lib.sh"

sh "$PROGS/gen-log.sh" 6000 200 1 >"$T/a.log"
sh "$PROGS/gen-log.sh" 6000 300 2 >"$T/b.log"

"$FTTRIAGE" scan --project p "$T/a.log" >/dev/null 2>"$T/a.err" &
pa=$!
"$FTTRIAGE" scan --project p "$T/b.log" >/dev/null 2>"$T/b.err" &
pb=$!
wait $pa
ra=$?
wait $pb
rb=$?
t_is "$ra" 0 "the first scan succeeds"
t_is "$rb" 0 "the second scan succeeds"
sed 's/^/# /' "$T/a.err" "$T/b.err" | head -5
# Races 0-199 are shared by both logs; b adds 200-299.
t_is "$("$FTTRIAGE" issues --format json | wc -l | tr -d ' ')" 300 \
    "both logs' issues are stored"
t_is "$("$FTTRIAGE" issues --format json |
    sed -n 's/.*"count":\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s }')" \
    12000 "every report of both logs is stored once"

# The same log from two scans at once is stored once.
cp "$T/a.log" "$T/c.log"
"$FTTRIAGE" scan --project q "$T/c.log" >/dev/null 2>&1 &
pa=$!
"$FTTRIAGE" scan --project q "$T/c.log" >/dev/null 2>&1 &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
t_ok "$([ $ra -eq 0 ] && [ $rb -eq 0 ]; echo $?)" \
    "two scans of one log at once both succeed"
t_is "$("$FTTRIAGE" issues --project q --format json |
    sed -n 's/.*"count":\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s }')" \
    6000 "and it is stored once"

# A pipe that goes quiet does not keep other writers out.
sh "$PROGS/gen-log.sh" 5 5 3 >"$T/few.log"
{ cat "$T/few.log"; sleep 3; } |
    "$FTTRIAGE" scan --project s - >/dev/null 2>&1 &
ps=$!
sleep 1
start=$(date +%s)
"$FTTRIAGE" triage 1 known >/dev/null 2>"$T/t.err"
rt=$?
end=$(date +%s)
t_ok "$([ $rt -eq 0 ] && [ $((end - start)) -lt 3 ]; echo $?)" \
    "triage does not wait for a quiet pipe being scanned"
wait $ps
t_is "$("$FTTRIAGE" issues --project s --format json | wc -l | tr -d ' ')" \
    5 "the pipe's reports are stored"

t_done
