#!/bin/sh
# Rules on real logs: each corpus log must carry the rules its known
# pattern calls for (and the fix must name what the log names).
. "$top_srcdir/tests/lib.sh"
export XDG_CONFIG_HOME="$T/config"	# no rules of the user running the tests

export FTTRIAGE_RULES_DIR="$top_srcdir/rules"

# expect LOG RULE...: every RULE is matched on some report of LOG.
expect() {
	log=$1
	shift
	"$FTTRIAGE" scan --format json "$CORPUS/$log.log" >"$T/out.json" \
	    2>"$T/err"
	for id in "$@"; do
		grep -q "{\"id\":\"$id\"" "$T/out.json"
		t_ok $? "$log: $id"
	done
}

expect 001-cpython-finalize-threads-head-race cpython-known-race
expect 004-cpython-memoryview-iter-fatal-and-asan negative-refcount
expect 010-pyo3-cargo-test-gil-reenabled-warning gil-reenabled-on-import \
    macos-nano-zone
expect 013-time-machine-tox-gil-warning gil-reenabled-on-import
expect 016-cpython-enter-buffered-busy-fatal-noisy daemon-threads-at-shutdown
expect 019-cpython-decimal-ext-tsan-mid-log missing-symbolizer
expect 022-cpython-faulthandler-watchdog-fatal-gdb pymutex-unlock-not-locked
expect 025-uvloop-cython-pyx-vectorcallfunc-build-error \
    cython-too-old-vectorcallfunc
expect 028-numpy-314t-meson-cython-build-error-excerpt \
    cython-too-old-vectorcallfunc
expect 031-cpython-regrtest-tsan-thread-leak-excerpt python-thread-leak
expect 034-viztracer-313t-faulthandler-segfault crash-with-extension-modules
expect 046-jax-nanobind-gilstate-qsbr-tsan-excerpt cpython-runtime-internals
expect 052-pillow-jpeg-gdb-wrapped-malloc-corruption-excerpt \
    glibc-malloc-internal-crash
expect 055-sklearn-win-arm64-313t-access-violation-excerpt \
    windows-access-violation
expect 058-bitstruct-indented-gil-warning gil-reenabled-on-import
expect 061-cpython-threading-local-tsan-heap-use-after-free-excerpt \
    tsan-heap-use-after-free
expect 064-cpython-sanity-ci-unsymbolized-tsan-frames-excerpt missing-symbolizer

# The fix names the module that re-enabled the GIL.
"$FTTRIAGE" scan "$CORPUS/058-bitstruct-indented-gil-warning.log" >"$T/out"
grep -q "Declare that 'bitstruct.c' runs without the GIL" "$T/out"
t_ok $? "gil-reenabled-on-import: the fix names bitstruct.c"
grep -q "see https://py-free-threading.github.io/porting-extensions/" "$T/out"
t_ok $? "text output shows the rule's link"
"$FTTRIAGE" scan --format json \
    "$CORPUS/034-viztracer-313t-faulthandler-segfault.log" >"$T/out"
grep -q '"fix":"Check which of viztracer.snaptrace' "$T/out"
t_ok $? "crash-with-extension-modules: the fix lists the modules"
grep -q '"link":"https://py-free-threading.github.io/debugging/"' "$T/out"
t_ok $? "JSON carries the rule's link"

# No rule fires on a log where none applies.
expect 007-cpython-contextvars-hamt-asan-segv
n=$(grep -c '"id":' "$T/out.json")
t_is "$n" 0 "007: no rule on a CPython HAMT crash"

t_done
