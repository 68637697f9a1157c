#!/bin/sh
# tests/fuzz-smoke.sh: build the fuzzers and run each one briefly (CI).
#
#   tests/fuzz-smoke.sh [SECONDS]        (default 20 per harness)
#
# Configures a separate build with --enable-fuzzing (clang and Debian's
# libclang-rt-14-dev), builds the harnesses, replays every saved input
# under fixtures/fuzz-regressions/, then fuzzes each harness for SECONDS
# from seeds made from fixtures/.  A source tree that is itself configured
# (an in-tree build) is copied first, because Automake builds one tree in
# one place only.  The build goes to $FUZZ_BUILD_DIR, else a temporary
# directory removed at the end.  Exit status 0 when nothing crashed,
# leaked or hung; crashing inputs are left in the build's fuzz/crashes/.
set -u
secs=${1:-20}
src=$(cd "$(dirname "$0")/.." && pwd)

if [ -n "${FUZZ_BUILD_DIR:-}" ]; then
	work=$FUZZ_BUILD_DIR
	mkdir -p "$work" || exit 2
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/fttriage-fuzz.XXXXXX") || exit 2
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
	"$src/configure" -q --enable-fuzzing >configure.out 2>&1 || {
		tail -20 configure.out
		echo "fuzz-smoke: configure --enable-fuzzing failed"
		exit 2
	}
fi
make -j2 >make.out 2>&1 || {
	grep -E 'error|Error' make.out | head -20
	echo "fuzz-smoke: the fuzzing build failed"
	exit 2
}
make -s fuzz FUZZ_SECONDS="$secs"
rc=$?
[ $rc -eq 0 ] && echo "fuzz-smoke: no findings" ||
    echo "fuzz-smoke: findings, see above"
exit $rc
