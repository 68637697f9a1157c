#!/bin/sh
# tests/run-under-valgrind.sh: run shell tests with fttriage under memcheck.
#
#   tests/run-under-valgrind.sh TEST.sh...     (from the build directory;
#                                              "make check-valgrind" does it)
#
# Every fttriage the tests start, and every fuzz replay program, runs under
# valgrind --leak-check=full with its own log.  The tests must pass as
# they do without valgrind, and no log may hold an error or a definite or
# indirect leak.  Exit status 0 when both hold.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$(pwd)}"
: "${CC:=cc}"
real=${FTTRIAGE:-$top_builddir/fttriage}

if ! command -v valgrind >/dev/null; then
	echo "run-under-valgrind: valgrind is not installed (Debian: valgrind)"
	exit 2
fi
if grep -aq '__asan_init\|__tsan_init' "$real"; then
	echo "run-under-valgrind: $real is built with a sanitizer;" \
	    "valgrind needs a plain build"
	exit 2
fi

# PCRE2's JIT writes machine code at run time that memcheck cannot follow
# (false "uninitialised value" reports in unnamed frames): run the regular
# expression interpreter instead.
FTTRIAGE_NO_JIT=1
export FTTRIAGE_NO_JIT

logs=$(mktemp -d "${TMPDIR:-/tmp}/fttriage-vg.XXXXXX") || exit 2
trap 'rm -rf "$logs"' EXIT

# The wrapper the tests run instead of fttriage.
vg="valgrind -q --error-exitcode=1 --leak-check=full"
vg="$vg --show-leak-kinds=definite,indirect"
vg="$vg --errors-for-leak-kinds=definite,indirect"
vg="$vg --log-file=$logs/vg.%p.log"
cat >"$logs/fttriage" <<WRAP
#!/bin/sh
exec $vg "$real" "\$@"
WRAP
chmod +x "$logs/fttriage"

failed=0
for t in "$@"; do
	case $t in
	/*) path=$t ;;
	*) path=$top_srcdir/$t ;;
	esac
	FTTRIAGE=$logs/fttriage T_WRAP=$vg top_srcdir=$top_srcdir \
	    top_builddir=$top_builddir CC=$CC \
	    sh "$path" >"$logs/tap.out" 2>&1
	rc=$?
	nfail=$(grep -c '^not ok' "$logs/tap.out")
	ntodo=$(grep -c '^not ok.*# TODO' "$logs/tap.out")
	nok=$(grep -c '^ok' "$logs/tap.out")
	echo "$t: $nok ok, $((nfail - ntodo)) not ok (status $rc)"
	if [ $((nfail - ntodo)) -ne 0 ]; then
		grep '^not ok' "$logs/tap.out" | grep -v '# TODO' | head -10
		failed=1
	fi
done

# Logs with something in them hold findings (-q prints nothing else).
n=0
for f in "$logs"/vg.*.log; do
	[ -s "$f" ] || continue
	n=$((n + 1))
	[ $n -le 5 ] && { echo "--- $f"; head -40 "$f"; }
done
echo "valgrind: $(ls "$logs"/vg.*.log 2>/dev/null | wc -l) runs," \
    "$n with findings"
[ $n -eq 0 ] || failed=1
exit $failed
