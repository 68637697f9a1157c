#!/bin/sh
# t0710-watch-rotate: rotation (rename, then a new file under the old
# name, while the writer still appends to the renamed one), copytruncate
# and deletion: nothing lost, nothing counted twice.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/store-lib.sh"
. "$top_srcdir/tests/watch-lib.sh"

w_tsan || w_skip_all "cannot build ThreadSanitizer programs with $CC"
printf 'idle 1\nignore *.old\n' >"$T/watch.conf"
w_start

# Rotation: app.log is renamed to app.log.1 while its writer keeps it
# open and goes on writing; a new app.log starts.
exec 3>>"$T/logs/app.log"
cat "$T/tsan.out" >&3
t_is "$(w_wait_reports 4)" 4 "the first log is stored"
mv "$T/logs/app.log" "$T/logs/app.log.1"
cat "$T/tsan.out" >&3
exec 3>&-
cp "$T/tsan.out" "$T/logs/app.log"
t_is "$(w_wait_reports 12)" 12 \
    "after rotation: the renamed file's new reports and the new file's"
w_wait_log "'.*/logs/app.log' was renamed to '.*/logs/app.log.1'" 2
t_ok $? "the rename is logged"
t_is "$(st_sql "$DB" "SELECT count(*) FROM sources \
    WHERE path LIKE '%/app.log.1'")" 1 \
    "the renamed file keeps its source, under its new name"

# A restart after the rotation finds both files where it left them.
w_stop TERM
w_start
sleep 1.5
t_is "$(w_reports)" 12 "a restart after rotation stores nothing twice"

# copytruncate: the log is copied aside and truncated in place, then
# written again from the start.
cat "$T/tsan.out" "$T/tsan.out" >"$T/logs/ct.log"
t_is "$(w_wait_reports 20)" 20 "the log to be truncated is stored"
cp "$T/logs/ct.log" "$T/logs/ct.log.old"
: >"$T/logs/ct.log"
sleep 0.3
head -n 20 "$T/tsan.out" >>"$T/logs/ct.log"
tail -n +21 "$T/tsan.out" >>"$T/logs/ct.log"
t_is "$(w_wait_reports 24)" 24 "after copytruncate the new content is stored"
w_wait_log "'.*/logs/ct.log' was truncated" 2
t_ok $? "the truncation is logged"

# Deletion: the file is read to its end and let go.
exec 3>>"$T/logs/del.log"
cat "$T/tsan.out" >&3
t_is "$(w_wait_reports 28)" 28 "the log to be deleted is stored"
rm "$T/logs/del.log"
cat "$T/tsan.out" >&3
exec 3>&-
w_wait_log "'.*/logs/del.log' was deleted" 3
t_ok $? "the deletion is logged"
t_is "$(w_wait_reports 32 3)" 32 \
    "what was written before the last close is read from the deleted file"
kill -0 "$wpid" 2>/dev/null
t_ok $? "the watcher is still running"

t_is "$(st_issue_counts "$DB")" "8 8 8 8" \
    "each issue is counted once per report written"
t_is "$(st_consistent "$DB")" ok "the store is consistent"
w_stop TERM
t_is "$wstatus" 0 "the watcher exits 0"
t_done
