# tests/store-lib.sh: helpers for the store's tests (t055x-t059x).
# Source after lib.sh.

PROGS="$top_srcdir/tests/progs/store"
DB="$T/store.db"
export FTTRIAGE_DB="$DB"
# Keep the user's own store and configuration out of the tests.
export XDG_DATA_HOME="$T/data" XDG_CONFIG_HOME="$T/config" HOME="$T"

# st_sql DB SQL: run one query, rows on stdout ('|' between columns).
# Uses the sqlite3 shell, else Python's sqlite3 module; returns 77 if
# neither is there.
st_sql() {
	if command -v sqlite3 >/dev/null 2>&1; then
		sqlite3 "$1" "$2"
	elif command -v python3 >/dev/null 2>&1; then
		python3 -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for row in c.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
' "$1" "$2"
	else
		return 77
	fi
}

# st_have_sql: can the tests look inside a store?
st_have_sql() {
	command -v sqlite3 >/dev/null 2>&1 ||
	    { command -v python3 >/dev/null 2>&1 &&
	      python3 -c 'import sqlite3' 2>/dev/null; }
}

# st_counts DB: "issues reports samples sum-of-issue-counts" of a store.
st_counts() {
	st_sql "$1" "SELECT (SELECT count(*) FROM issues), \
	    (SELECT count(*) FROM reports), (SELECT count(*) FROM samples), \
	    (SELECT coalesce(sum(count), 0) FROM issues)"
}

# st_consistent DB: integrity check passes, every issue's count is its
# number of reports, no issue has more than 5 samples, no report lacks
# its issue.  Prints "ok" or what is wrong.
st_consistent() {
	ic=$(st_sql "$1" "PRAGMA integrity_check")
	bad=$(st_sql "$1" "SELECT count(*) FROM issues i WHERE count != \
	    (SELECT count(*) FROM reports r WHERE r.issue_id = i.id) OR \
	    samples != (SELECT count(*) FROM samples s WHERE s.issue_id = i.id) \
	    OR samples > 5")
	orphans=$(st_sql "$1" "SELECT count(*) FROM reports r WHERE NOT \
	    EXISTS (SELECT 1 FROM issues i WHERE i.id = r.issue_id)")
	if [ "$ic" = ok ] && [ "$bad" = 0 ] && [ "$orphans" = 0 ]; then
		echo ok
	else
		echo "integrity=$ic bad-issues=$bad orphan-reports=$orphans"
	fi
}

# st_tsan_cc: can $CC build ThreadSanitizer programs here?
st_tsan_cc() {
	printf 'int main(void) { return 0; }\n' >"$T/probe.c"
	$CC -fsanitize=thread "$T/probe.c" -o "$T/probe" 2>/dev/null &&
	    "$T/probe" 2>/dev/null
}

# st_build OUT SRC [CFLAGS...]: compile a racy program with TSan.
st_build() {
	out=$1 src=$2
	shift 2
	$CC -g -O1 -fsanitize=thread "$@" "$PROGS/$src" -o "$T/$out" \
	    -lpthread 2>"$T/cc.err"
}

# st_issue_counts DB: the issues' occurrence counts, ascending, on one line.
st_issue_counts() {
	"$FTTRIAGE" issues --db "$1" --format json |
	    sed -n 's/.*"count":\([0-9]*\).*/\1/p' | sort -n | tr '\n' ' ' |
	    sed 's/ $//'
}
