# tests/lib.sh: shared helpers for the shell tests, which speak TAP.
#
# Source it first thing:  . "$top_srcdir/tests/lib.sh"
# Each test runs in its own temporary directory ($T), removed at exit.
# Environment (from Makefile.am): FTTRIAGE, top_srcdir, top_builddir, CC.

set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${FTTRIAGE:=$top_builddir/fttriage}"
: "${CC:=cc}"
export LC_ALL=C

T=$(mktemp -d "${TMPDIR:-/tmp}/fttriage-test.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 99
# scan records into a store: keep it in the test's directory.
FTTRIAGE_DB="$T/fttriage.db"
export FTTRIAGE_DB

t_n=0
t_failed=0

# t_ok STATUS DESCRIPTION: pass when STATUS is 0.
t_ok() {
	t_n=$((t_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $t_n - $2"
	else
		echo "not ok $t_n - $2"
		t_failed=$((t_failed + 1))
	fi
}

# t_is GOT EXPECTED DESCRIPTION: pass when the strings are equal.
t_is() {
	t_n=$((t_n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $t_n - $3"
	else
		echo "not ok $t_n - $3"
		printf '#   got:      %s\n#   expected: %s\n' "$1" "$2" |
		    head -c 4000
		t_failed=$((t_failed + 1))
	fi
}

# t_skip REASON: one skipped test.
t_skip() {
	t_n=$((t_n + 1))
	echo "ok $t_n # SKIP $1"
}

# t_run CMD...: run a command, keep stdout in $T/out, stderr in $T/err,
# status in $t_rc.
t_run() {
	"$@" >"$T/out" 2>"$T/err"
	t_rc=$?
}

# t_done: print the plan; the TAP driver counts the results.
t_done() {
	echo "1..$t_n"
	[ "$t_failed" -eq 0 ]
}

# The corpus of real logs: in fixtures/ (a copy travels with the tree).
CORPUS="$top_srcdir/fixtures/corpus"
