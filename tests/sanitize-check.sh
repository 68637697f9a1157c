#!/bin/sh
# tests/sanitize-check.sh: the test suite in a sanitizer build (CI).
#
#   tests/sanitize-check.sh asan|ubsan|tsan
#
# Configures a separate build with --enable-asan, --enable-ubsan or
# --enable-tsan (and --enable-werror) and runs "make check" there: the
# whole suite, or for ThreadSanitizer the scanner's tests with the
# readahead thread forced on every file (FTTRIAGE_READAHEAD=1), since the
# scanner is the only part with a second thread.  A source tree that is
# itself configured (an in-tree build) is copied first, because Automake
# builds one tree in one place only.  The build goes to $SAN_BUILD_DIR,
# else a temporary directory removed at the end.  Exit status: make
# check's.
set -u
case ${1:-} in
asan|ubsan|tsan) san=$1 ;;
*) echo "usage: $0 asan|ubsan|tsan" >&2; exit 2 ;;
esac
src=$(cd "$(dirname "$0")/.." && pwd)

if [ -n "${SAN_BUILD_DIR:-}" ]; then
	work=$SAN_BUILD_DIR
	mkdir -p "$work" || exit 2
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/fttriage-$san.XXXXXX") || exit 2
	trap 'rm -rf "$work"' EXIT
fi
if [ -f "$src/config.status" ]; then
	mkdir -p "$work/src"
	tar -C "$src" --exclude=.git -cf - . | tar -C "$work/src" -xf - ||
	    exit 2
	make -C "$work/src" distclean >/dev/null 2>&1
	src=$work/src
fi
[ -x "$src/configure" ] || (cd "$src" && ./autogen.sh) || exit 2

mkdir -p "$work/build"
cd "$work/build" || exit 2
if [ ! -f Makefile ]; then
	"$src/configure" -q --enable-werror --enable-$san \
	    >configure.out 2>&1 || {
		tail -20 configure.out
		echo "sanitize-check: configure --enable-$san failed"
		exit 2
	}
fi
make -j2 >make.out 2>&1 || {
	grep -E 'error' make.out | head -20
	echo "sanitize-check: the $san build failed"
	exit 2
}
if [ "$san" = tsan ]; then
	# The hostile-input tests' logs of 100,000 reports outrun their
	# timeouts at ThreadSanitizer's speed; these cover the thread.
	FTTRIAGE_READAHEAD=1 make -j2 check TESTS="tests/t0100-scan-corpus.sh \
	    tests/t0110-scan-json.sh tests/t0200-scan-tsan-real.sh \
	    tests/t0215-scan-readahead.sh" >check.out 2>&1
else
	make -j2 check >check.out 2>&1
fi
rc=$?
grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' check.out
if [ $rc -ne 0 ]; then
	grep -E '^(FAIL|ERROR|XPASS)' check.out | head -20
	for f in tests/*.log; do
		grep -q 'ERROR: AddressSanitizer\|runtime error:\|LeakSanitizer\|WARNING: ThreadSanitizer' \
		    "$f" 2>/dev/null || continue
		echo "--- $f"
		grep -m1 -A15 'ERROR: AddressSanitizer\|runtime error:\|LeakSanitizer\|WARNING: ThreadSanitizer' "$f"
	done
fi
exit $rc
