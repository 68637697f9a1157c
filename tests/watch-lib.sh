# tests/watch-lib.sh: helpers for the watcher's tests (t07NN).
# Source after lib.sh and store-lib.sh.  The watcher follows $T/logs into
# the store $DB; its log (at debug level) goes to $T/watch.err.

WPROGS="$top_srcdir/tests/progs/watch"
mkdir -p "$T/logs"
printf 'idle 1\n' >"$T/watch.conf"
wpid=

# w_start [ARGS...]: start a watcher in the background ($wpid) and wait
# until it is watching.  Extra arguments go before the directory.
w_start() {
	: >"$T/watch.err"
	"$FTTRIAGE" watch --db "$DB" --config "$T/watch.conf" \
	    --log-level debug "$@" "$T/logs" >/dev/null 2>>"$T/watch.err" &
	wpid=$!
	w_wait_log "watching for the store" 10
}

# w_stop [SIGNAL]: stop the watcher; its exit status in $wstatus.
w_stop() {
	kill -"${1:-TERM}" "$wpid" 2>/dev/null
	wait "$wpid"
	wstatus=$?
	wpid=
}

# w_wait_log PATTERN [SECONDS]: wait for PATTERN in the watcher's log.
w_wait_log() {
	_i=0
	while ! grep -q -- "$1" "$T/watch.err" 2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -gt $((${2:-10} * 20)) ] && return 1
		sleep 0.05
	done
	return 0
}

# w_reports [DB]: reports in the store (0 before it exists).
w_reports() {
	_n=$(st_sql "${1:-$DB}" "SELECT count(*) FROM reports" 2>/dev/null)
	echo "${_n:-0}"
}

# w_wait_reports N [SECONDS]: wait until the store holds N reports, then
# a little longer to catch any extra; prints the count.
w_wait_reports() {
	_i=0
	while [ "$(w_reports)" -lt "$1" ]; do
		_i=$((_i + 1))
		[ "$_i" -gt $((${2:-10} * 20)) ] && break
		sleep 0.05
	done
	sleep 0.3
	w_reports
}

# w_tsan: build racy.c with ThreadSanitizer and keep its real output in
# $T/tsan.out (4 reports); 1 if this machine cannot.
w_tsan() {
	$CC -g -O1 -fsanitize=thread "$WPROGS/racy.c" -o "$T/racy" \
	    -lpthread 2>"$T/cc.err" || return 1
	TSAN_OPTIONS=halt_on_error=0 "$T/racy" 4 2>"$T/tsan.out"
	[ "$(grep -c '^SUMMARY: ThreadSanitizer' "$T/tsan.out")" -eq 4 ]
}

# w_writer: build the appending writer as $T/writer.
w_writer() {
	$CC -O2 "$WPROGS/writer.c" -o "$T/writer" 2>"$T/cc.err"
}

# w_scan_counts DB FILE...: a clean scan of FILEs into a fresh DB; prints
# its issues' counts as st_issue_counts does.
w_scan_counts() {
	_db=$1
	shift
	rm -f "$_db"
	"$FTTRIAGE" scan --db "$_db" "$@" >/dev/null 2>&1
	st_issue_counts "$_db"
}

# w_cleanup: never leave a watcher behind.
w_cleanup() {
	[ -n "$wpid" ] && kill -9 "$wpid" 2>/dev/null
	rm -rf "$T"
}
trap w_cleanup EXIT

w_skip_all() {
	t_skip "$1"
	t_done
	exit 0
}
st_have_sql || w_skip_all "no sqlite3 shell or python3 sqlite3 module"
