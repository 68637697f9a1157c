#!/bin/sh
# t0730-watch-hostile: symbolic link loops, a FIFO and a device where logs
# are expected, a file replaced by a FIFO, an unreadable file, a file that
# vanishes, an over-long line and a directory removed under the watcher:
# each is logged clearly and the watcher goes on storing real reports.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/store-lib.sh"
. "$top_srcdir/tests/watch-lib.sh"

w_tsan || w_skip_all "cannot build ThreadSanitizer programs with $CC"
L="$T/logs"

# Present at start: a symlink loop to the directory itself, a two-link
# loop, a FIFO, a link to a character device.
ln -s . "$L/self"
ln -s "$L/loop-b" "$L/loop-a"
ln -s "$L/loop-a" "$L/loop-b"
mkfifo "$L/fifo.log"
ln -s /dev/null "$L/null.log"
w_start
t_ok $? "the watcher starts in a hostile directory"
grep -q "'$L/self' is a symbolic link to a directory; not followed" \
    "$T/watch.err"
t_ok $? "a symbolic link to a directory is logged and not followed"
grep -q "cannot follow '$L/loop-a': Too many levels of symbolic links" \
    "$T/watch.err"
t_ok $? "a symbolic link loop is logged"
grep -q "'$L/fifo.log' is a FIFO; not followed" "$T/watch.err"
t_ok $? "a FIFO is logged and not opened for reading (no hang)"
grep -q "'$L/null.log' is a character device; not followed" "$T/watch.err"
t_ok $? "a device is logged and not followed"

# A FIFO being written: its writer is not disturbed, and it is logged once.
cat "$L/fifo.log" >"$T/fifo.got" &
catpid=$!
exec 4>"$L/fifo.log"
for i in 1 2 3 4 5; do
	echo "through the fifo $i" >&4
	sleep 0.05
done
exec 4>&-
wait $catpid
t_is "$(wc -l <"$T/fifo.got" | tr -d ' ')" 5 \
    "a FIFO's reader gets everything its writer wrote"
t_is "$(grep -c "fifo.log' is a FIFO" "$T/watch.err")" 1 \
    "a FIFO written again and again is logged once"

# A log replaced by a FIFO under the same name.
cp "$T/tsan.out" "$L/swap.log"
t_is "$(w_wait_reports 4)" 4 "a real log beside them is stored"
rm "$L/swap.log"
mkfifo "$L/swap.log"
w_wait_log "'$L/swap.log' is a FIFO; not followed" 3
t_ok $? "a log replaced by a FIFO is logged"

# An unreadable file (root reads anything: then this checks nothing new
# is claimed).
cp "$T/tsan.out" "$T/locked"
chmod 000 "$T/locked"
mv "$T/locked" "$L/locked.log"
if [ "$(id -u)" -ne 0 ]; then
	w_wait_log "cannot open '$L/locked.log': Permission denied" 3
	t_ok $? "an unreadable file is logged"
	want=4
else
	t_skip "running as root: an unreadable file is readable"
	want=8
fi
t_is "$(w_wait_reports $want)" $want "(the store has what it can read)"

# A file that is gone before it can be read.
i=0
while [ $i -lt 20 ]; do
	echo "noise $i" >"$L/brief.$i"
	rm -f "$L/brief.$i"
	i=$((i + 1))
done

# An over-long line with no end in sight, then reports after it.
head -c 300000 /dev/zero | tr '\0' 'x' >"$L/long.log"
sleep 0.3
head -c 300000 /dev/zero | tr '\0' 'y' >>"$L/long.log"
echo >>"$L/long.log"
cat "$T/tsan.out" >>"$L/long.log"
want=$((want + 4))
t_is "$(w_wait_reports $want)" $want \
    "reports after an over-long line are stored"

# A directory removed under the watcher.
mkdir -p "$L/doomed/inner"
w_wait_log "watching directory '$L/doomed/inner'" 3
cp "$T/tsan.out" "$L/doomed/inner/t.log"
want=$((want + 4))
t_is "$(w_wait_reports $want)" $want "a log in a subdirectory is stored"
rm -rf "$L/doomed"
w_wait_log "directory '$L/doomed/inner' was removed or unmounted; no longer watched" 3
t_ok $? "a directory removed under the watcher is logged"

# A directory renamed within the tree is followed under its new name; one
# moved out of the tree is let go.
mkdir -p "$L/d1/sub"
w_wait_log "watching directory '$L/d1/sub'" 3
cp "$T/tsan.out" "$L/d1/sub/r.log"
want=$((want + 4))
t_is "$(w_wait_reports $want)" $want "a log in a new directory is stored"
mv "$L/d1" "$L/d2"
w_wait_log "directory '$L/d1' was renamed to '$L/d2'" 3
t_ok $? "a directory renamed within the tree is logged"
cat "$T/tsan.out" >>"$L/d2/sub/r.log"
cp "$T/tsan.out" "$L/d2/sub/new.log"
want=$((want + 8))
t_is "$(w_wait_reports $want)" $want \
    "files under the renamed directory are still followed"
mv "$L/d2" "$T/away"
w_wait_log "directory '$L/d2' was moved out of the watched tree" 3
t_ok $? "a directory moved out of the tree is logged"

# After all that: still running, still storing.
kill -0 "$wpid" 2>/dev/null
t_ok $? "the watcher is still running"
cp "$T/tsan.out" "$L/after.log"
want=$((want + 4))
t_is "$(w_wait_reports $want)" $want "and still stores new reports"
t_is "$(st_consistent "$DB")" ok "the store is consistent"
w_stop TERM
t_is "$wstatus" 0 "the watcher exits 0"
sed -n 's/^fttriage: \(warning\|error\): /# /p' "$T/watch.err" | sort -u | head -20
t_done
