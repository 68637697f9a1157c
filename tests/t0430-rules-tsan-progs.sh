#!/bin/sh
# Rules on real TSan output: small racy programs, compiled here with
# -fsanitize=thread, must be recognised by the rules written for them.
. "$top_srcdir/tests/lib.sh"
export XDG_CONFIG_HOME="$T/config"	# no rules of the user running the tests

export FTTRIAGE_RULES_DIR="$top_srcdir/rules"
P="$top_srcdir/tests/progs/rules"
EXT=cpython-313t-x86_64-linux-gnu.so
TSAN="-fsanitize=thread -g -O1 -fno-omit-frame-pointer"

# run NAME CMD...: run a TSan program, its reports in $T/NAME.log.
run() {
	name=$1
	shift
	TSAN_OPTIONS="exitcode=0 halt_on_error=0 report_thread_leaks=1" \
	    LD_LIBRARY_PATH="$T" "$@" >/dev/null 2>"$T/$name.log"
	if grep -q "unexpected memory mapping" "$T/$name.log" &&
	    command -v setarch >/dev/null 2>&1; then
		TSAN_OPTIONS="exitcode=0 halt_on_error=0 report_thread_leaks=1" \
		    LD_LIBRARY_PATH="$T" setarch "$(uname -m)" -R "$@" \
		    >/dev/null 2>"$T/$name.log"
	fi
}

# rules_of LOG: the rule ids of every report, one per line.
rules_of() {
	"$FTTRIAGE" scan --format json "$1" |
	    sed -n 's/.*"rules":\[\(.*\)\],"suppressed_by".*/\1/p' |
	    tr ',' '\n' | sed -n 's/^{"id":"\([^"]*\)"$/\1/p; s/^{"id":"\([^"]*\)".*/\1/p' |
	    sort -u
}

if ! $CC $TSAN -fPIC -shared -o "$T/libfakepy.so" "$P/fakepy.c" 2>"$T/cc.err"; then
	t_skip "cannot build with -fsanitize=thread: $(head -1 "$T/cc.err")"
	t_done
	exit
fi

# A borrowed reference: the extension reads through PyList_GetItem while
# the list's array is moved and freed.
$CC $TSAN -fPIC -shared -o "$T/fakeext.$EXT" "$P/fakeext.c" -L"$T" -lfakepy &&
$CC $TSAN -o "$T/borrowed" "$P/borrowed.c" "$T/fakeext.$EXT" -L"$T" -lfakepy \
    -lpthread
t_ok $? "borrowed-reference program builds"
run borrowed "$T/borrowed"
grep -q "WARNING: ThreadSanitizer" "$T/borrowed.log"
t_ok $? "borrowed-reference program makes TSan reports"
rules_of "$T/borrowed.log" >"$T/borrowed.rules"
grep -qx "borrowed-ref-list" "$T/borrowed.rules"
t_ok $? "borrowed-ref-list names the PyList_GetItem race"
"$FTTRIAGE" scan "$T/borrowed.log" | grep -q "PyList_GetItemRef"
t_ok $? "the fix names the strong-reference API"

# Lazy initialisation of a module global.
$CC $TSAN -fPIC -shared -o "$T/lazymod.$EXT" "$P/lazymod.c" &&
$CC $TSAN -o "$T/lazyinit" "$P/lazyinit.c" "$T/lazymod.$EXT" -lpthread
t_ok $? "lazy-init program builds"
run lazyinit "$T/lazyinit"
rules_of "$T/lazyinit.log" >"$T/lazyinit.rules"
grep -qx "lazy-init-race" "$T/lazyinit.rules"
t_ok $? "lazy-init-race recognises the first-use initialisation"
grep -qx "extension-global-state-race" "$T/lazyinit.rules"
t_ok $? "extension-global-state-race names the module global"
"$FTTRIAGE" scan "$T/lazyinit.log" | grep -q "Initialise 'cache' eagerly"
t_ok $? "the fix names the global"

# A thread leak and a lock-order inversion in native code.
$CC $TSAN -o "$T/leak" "$P/leak.c" -lpthread
t_ok $? "leak program builds"
run leak "$T/leak"
rules_of "$T/leak.log" >"$T/leak.rules"
grep -qx "native-thread-leak" "$T/leak.rules"
t_ok $? "native-thread-leak recognises the unjoined worker"
grep -qx "lock-order-inversion" "$T/leak.rules"
t_ok $? "lock-order-inversion recognises the cycle"
grep -qx "python-thread-leak" "$T/leak.rules"
t_ok $((! $?)) "a native leak is not taken for a Python thread leak"

t_done
