#!/bin/sh
# t0700-watch-basic: the watcher stores real TSan reports from new files,
# appended data, lines completed later, renamed-in files and directories
# created later, exactly as a scan of the same files would; --once reads
# what is there and exits; SIGTERM exits 0.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/store-lib.sh"
. "$top_srcdir/tests/watch-lib.sh"

w_tsan || w_skip_all "cannot build ThreadSanitizer programs with $CC"

w_start
t_ok $? "the watcher starts"

cp "$T/tsan.out" "$T/logs/tsan.100"
t_is "$(w_wait_reports 4)" 4 "a new file's reports are stored"

cat "$T/tsan.out" >>"$T/logs/tsan.100"
t_is "$(w_wait_reports 8)" 8 "appended reports are stored"

# A report whose last line arrives in two writes, the second later.
end=$(grep -n '^SUMMARY' "$T/tsan.out" | head -1 | cut -d: -f1)
head -n "$end" "$T/tsan.out" >"$T/part1"
printf '=========' >>"$T/part1"
tail -n +"$((end + 1))" "$T/tsan.out" | cut -c10- | head -1 >"$T/part2"
tail -n +"$((end + 2))" "$T/tsan.out" >"$T/part3"
exec 3>>"$T/logs/tsan.200"
cat "$T/part1" >&3
sleep 0.7
t_is "$(w_reports)" 8 "a report whose last line is partial waits"
cat "$T/part2" >&3
t_is "$(w_wait_reports 9)" 9 "and is stored when the line is completed"
cat "$T/part3" >&3
exec 3>&-
t_is "$(w_wait_reports 12)" 12 "the rest of that file follows"
cmp -s "$T/logs/tsan.200" "$T/tsan.out"
t_ok $? "(the file written in pieces is the real output)"

# Renamed in from outside the watched tree.
cp "$T/tsan.out" "$T/outside.log"
mv "$T/outside.log" "$T/logs/moved-in.log"
t_is "$(w_wait_reports 16)" 16 "a file renamed into the directory is stored"

# A directory created later, and one inside it.
mkdir -p "$T/logs/sub/deeper"
sleep 0.2
cp "$T/tsan.out" "$T/logs/sub/deeper/tsan.300"
t_is "$(w_wait_reports 20)" 20 "a file in a directory created later is stored"
w_wait_log "watching directory '.*/logs/sub/deeper'" 2
t_ok $? "the new directories are watched (and logged)"

# Same issues and counts as one clean scan of the same files.
t_is "$(st_issue_counts "$DB")" \
    "$(w_scan_counts "$T/clean.db" $(find "$T/logs" -type f | sort))" \
    "the store matches a clean scan of the files"
t_is "$(st_consistent "$DB")" ok "the store is consistent"

w_stop TERM
t_is "$wstatus" 0 "SIGTERM: the watcher exits 0"
grep -q 'stopping on a signal' "$T/watch.err"
t_ok $? "and says why it stops"

# Restarting reads nothing twice.
w_start
sleep 1.5
t_is "$(w_reports)" 20 "a restarted watcher stores nothing twice"
w_stop INT
t_is "$wstatus" 0 "SIGINT: the watcher exits 0"

# --once: read what is there, exit; again: nothing new.
mkdir -p "$T/once/a"
cp "$T/tsan.out" "$T/once/x.log"
cat "$T/tsan.out" "$T/tsan.out" >"$T/once/a/y.log"
t_run "$FTTRIAGE" watch --once --db "$T/once.db" --config "$T/watch.conf" \
    "$T/once"
t_is "$t_rc" 0 "--once exits 0"
t_is "$(w_reports "$T/once.db")" 12 "--once stores every report, subdirectories too"
"$FTTRIAGE" watch --once --db "$T/once.db" --config "$T/watch.conf" \
    "$T/once" 2>/dev/null
t_is "$(w_reports "$T/once.db")" 12 "a second --once adds nothing"
t_is "$(st_issue_counts "$T/once.db")" \
    "$(w_scan_counts "$T/clean2.db" "$T/once/x.log" "$T/once/a/y.log")" \
    "--once stores what a scan stores"

# Many old logs and few descriptors: each old log is read and let go.
mkdir "$T/many"
i=0
while [ $i -lt 150 ]; do
	cp "$T/tsan.out" "$T/many/tsan.$i"
	i=$((i + 1))
done
touch -d '-1 hour' "$T/many"/*
(
	ulimit -n 40
	exec "$FTTRIAGE" watch --db "$T/many.db" --config "$T/watch.conf" \
	    --log-level debug "$T/many" 2>"$T/many.err"
) &
wpid=$!
DB="$T/many.db" w_wait_reports 600 20 >/dev/null
t_is "$(w_reports "$T/many.db")" 600 \
    "150 old logs are stored by a watcher allowed 40 descriptors"
t_is "$(grep -c 'is quiet; let go' "$T/many.err")" 150 \
    "each old log is let go once read"
w_stop TERM
t_is "$wstatus" 0 "(the watcher exits 0)"

t_done
