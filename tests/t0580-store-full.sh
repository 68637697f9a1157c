#!/bin/sh
# t0580-store-full: a store that runs out of space gives a clear error and
# keeps nothing of the ingest that failed.  As root on Linux the store
# lives on a small tmpfs; otherwise (and as well) SQLite's page limit
# stands in for the full disk.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/store-lib.sh"

LOG040="$CORPUS/040-cpython-tracemalloc-four-tsan-reports-macos.log"
sh "$PROGS/gen-log.sh" 3000 300 >"$T/big.log"

# check_full DB WHAT: the small log is stored, the big one fails cleanly.
check_full() {
	"$FTTRIAGE" scan --project p --db "$1" "$LOG040" >/dev/null 2>&1
	t_run "$FTTRIAGE" scan --project p --db "$1" "$T/big.log"
	t_is "$t_rc" 2 "$2: the scan fails"
	t_ok "$(grep -q "store '$1'.*full" "$T/err"; echo $?)" \
	    "$2: the error names the store and says it is full"
	sed 's/^/# /' "$T/err" | head -3
	t_is "$(st_issue_counts "$1")" "1 1 2" \
	    "$2: nothing of the failed ingest is kept"
	if st_have_sql; then
		t_is "$(st_consistent "$1")" ok "$2: the store is consistent"
	fi
}

FTTRIAGE_TEST_MAX_PAGES=60 check_full "$T/pages.db" "page limit"
unset FTTRIAGE_TEST_MAX_PAGES

mnt="$T/tmpfs"
mkdir "$mnt"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=256k tmpfs "$mnt" \
    2>/dev/null; then
	trap 'umount "$mnt" 2>/dev/null; rm -rf "$T"' EXIT
	check_full "$mnt/store.db" "tmpfs"
	umount "$mnt"
else
	t_skip "not root or no tmpfs: the full filesystem case"
fi

t_done
