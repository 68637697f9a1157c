#!/bin/sh
# t0720-watch-daemon: one watcher per store, SIGHUP reloads the
# configuration (a bad one is refused and the old one kept), a bad
# configuration line stops the start naming file and line, the daemon
# idles without using the CPU, and logs go to syslog when asked.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/store-lib.sh"
. "$top_srcdir/tests/watch-lib.sh"

w_start
t_ok $? "the first watcher starts"

t_run "$FTTRIAGE" watch --db "$DB" --config "$T/watch.conf" "$T/logs"
t_is "$t_rc" 2 "a second watcher on the same store exits 2"
grep -q "another watcher (pid $wpid) is already following the store" \
    "$T/err"
t_ok $? "and says which process holds the store"
sed 's/^/# /' "$T/err"

# Idle: no busy polling.  CPU ticks (utime + stime) over two seconds.
ticks() { awk '{ print $14 + $15 }' "/proc/$wpid/stat"; }
if [ -r "/proc/$wpid/stat" ]; then
	a=$(ticks)
	sleep 2
	b=$(ticks)
	t_ok "$([ $((b - a)) -le 2 ]; echo $?)" \
	    "an idle watcher uses no CPU ($((b - a)) ticks in 2 s)"
else
	t_skip "no /proc"
fi

# SIGHUP with a new valid configuration: reloaded, and it takes effect
# (a new directory from the file is watched).
mkdir "$T/more"
printf 'idle 1\nwatch %s\nrules %s/rules.d\n' "$T/more" "$T" >"$T/watch.conf"
kill -HUP "$wpid"
w_wait_log "configuration reloaded from '$T/watch.conf'" 5
t_ok $? "SIGHUP reloads the configuration (logged)"
w_wait_log "watching directory '$T/more'" 2
t_ok $? "a directory added to the configuration is watched"

# SIGHUP with a bad configuration: refused, the daemon runs on.
printf 'idle 1\nwatch %s\nbogus line\n' "$T/more" >"$T/watch.conf"
kill -HUP "$wpid"
w_wait_log "reload failed, keeping the running configuration: $T/watch.conf:3: unknown directive 'bogus'" 5
t_ok $? "a bad configuration on SIGHUP is refused, naming file and line"
kill -0 "$wpid" 2>/dev/null
t_ok $? "and the watcher keeps running"
w_stop TERM
t_is "$wstatus" 0 "the watcher exits 0"

# A bad line at start: nothing starts.
t_run "$FTTRIAGE" watch --db "$T/bad.db" --config "$T/watch.conf" "$T/logs"
t_is "$t_rc" 2 "a bad configuration line stops the start"
t_is "$(cat "$T/err")" \
    "fttriage: $T/watch.conf:3: unknown directive 'bogus'" \
    "the message names the file and the line"
t_ok "$([ ! -e "$T/bad.db" ]; echo $?)" "nothing was created"

check_bad() {
	printf '%s\n' "$1" >"$T/bad.conf"
	t_run "$FTTRIAGE" watch --db "$T/bad.db" --config "$T/bad.conf" \
	    "$T/logs"
	t_is "$(cat "$T/err")" "fttriage: $T/bad.conf:1: $2" "$3"
}
check_bad "idle soon" "bad idle time 'soon' (seconds, from 0.1 to 86400)" \
    "a bad idle time"
check_bad "watch relative/dir" \
    "watch directory 'relative/dir' is not an absolute path" \
    "a relative watch directory"
check_bad "project onlyname" "expected 'project NAME GLOB'" \
    "a project line without its glob"
check_bad "store" "expected 'store PATH'" "a directive without its value"
check_bad "log-level loud" \
    "bad log level 'loud' (error, warning, info, debug)" "a bad log level"

# The same configuration file serves scan: its project lines apply and
# the watcher's directives are accepted.
printf 'watch %s\nidle 2\nproject numproj *.log\n' "$T/logs" >"$T/both.conf"
cp /dev/null "$T/one.log"
t_run "$FTTRIAGE" scan --db "$T/scan.db" --config "$T/both.conf" "$T/one.log"
t_is "$t_rc" 0 "scan accepts the watcher's configuration file"

# Projects from the configuration file; the store from it too.
w_tsan || { t_skip "no TSan"; t_done; exit 0; }
printf 'idle 1\nstore %s\nproject numproj */np-*\n' "$T/conf.db" >"$T/watch2.conf"
"$FTTRIAGE" watch --config "$T/watch2.conf" --log-level debug "$T/logs" \
    2>"$T/watch.err" &
wpid=$!
w_wait_log "watching for the store '$T/conf.db'" 5
t_ok $? "the store comes from the configuration file"
cp "$T/tsan.out" "$T/logs/np-1.log"
cp "$T/tsan.out" "$T/logs/other.log"
DB="$T/conf.db" w_wait_reports 8 >/dev/null
t_is "$(st_sql "$T/conf.db" "SELECT project, count(*) FROM reports r \
    JOIN issues i ON i.id = r.issue_id GROUP BY project ORDER BY project")" \
    "default|4
numproj|4" "paths map to projects as configured"
w_stop TERM

# --syslog: the log lines leave stderr.
printf 'idle 1\n' >"$T/ok.conf"
"$FTTRIAGE" watch --syslog --db "$T/sys.db" --config "$T/ok.conf" \
    "$T/logs" 2>"$T/sys.err" &
wpid=$!
sleep 0.5
w_stop TERM
t_is "$wstatus" 0 "the watcher logging to syslog runs and stops"
t_is "$(cat "$T/sys.err")" "" "with --syslog nothing is written to stderr"
t_done
