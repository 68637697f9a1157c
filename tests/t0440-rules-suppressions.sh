#!/bin/sh
# TSan suppression files applied after the fact: which reports a file would
# have silenced, and which of its entries silenced nothing.
. "$top_srcdir/tests/lib.sh"
export XDG_CONFIG_HOME="$T/config"	# no rules of the user running the tests

export FTTRIAGE_RULES_DIR="$top_srcdir/rules"
RACE="$CORPUS/001-cpython-finalize-threads-head-race.log"
LEAK="$CORPUS/031-cpython-regrtest-tsan-thread-leak-excerpt.log"
UAF="$CORPUS/061-cpython-threading-local-tsan-heap-use-after-free-excerpt.log"

cat >"$T/supp.txt" <<'S'
# CPython-style suppressions
race_top:tstate_delete_common
thread:pthread_create
race:^no_such_function$
called_from_lib:libgomp.so.1
S
t_run "$FTTRIAGE" rules suppressions "$T/supp.txt" "$RACE" "$LEAK"
t_is "$t_rc" 0 "rules suppressions runs"
grep -q "001-.*: suppressed by race_top:tstate_delete_common (.*supp.txt:2)" "$T/out"
t_ok $? "race_top matches the top frame of the previous access"
grep -q "031-.*: suppressed by thread:pthread_create (.*supp.txt:3)" "$T/out"
t_ok $? "thread: matches a thread leak's creation stack"
grep -qF "supp.txt:4: unused: race:^no_such_function$" "$T/out"
t_ok $? "an entry that silenced nothing is listed"
grep -q "supp.txt:5: unused: called_from_lib:libgomp.so.1" "$T/out"
t_ok $? "called_from_lib of a library not in the run is unused"
grep -q "^2 of 2 TSan reports suppressed" "$T/out"
t_ok $? "the totals"

# race_top looks at the first frame only; race at every frame, at the
# module and at the global of the location.
printf 'race_top:wait_for_thread_shutdown\n' >"$T/top.txt"
t_run "$FTTRIAGE" rules suppressions "$T/top.txt" "$RACE"
grep -q ": not suppressed: " "$T/out"
t_ok $? "race_top does not match a second frame"
printf 'race:wait_for_thread_shutdown\n' >"$T/any.txt"
t_run "$FTTRIAGE" rules suppressions "$T/any.txt" "$RACE"
grep -q ": suppressed by race:wait_for_thread_shutdown" "$T/out"
t_ok $? "race matches any frame"
printf 'race:_PyRuntime\n' >"$T/glob.txt"
t_run "$FTTRIAGE" rules suppressions "$T/glob.txt" "$RACE"
grep -q ": suppressed by race:_PyRuntime" "$T/out"
t_ok $? "race matches the global named by the location"
printf 'race:pylifecycle.c\n' >"$T/file.txt"
t_run "$FTTRIAGE" rules suppressions "$T/file.txt" "$RACE"
grep -q ": suppressed by race:pylifecycle.c" "$T/out"
t_ok $? "race matches a source file"
printf 'race:*_shutdown_exc*\n' >"$T/glob2.txt"
t_run "$FTTRIAGE" rules suppressions "$T/glob2.txt" "$RACE"
grep -q ": suppressed by race:\*_shutdown_exc\*" "$T/out"
t_ok $? "'*' wildcards"
printf 'race:^handle_thread_shutdown$\n' >"$T/anch.txt"
t_run "$FTTRIAGE" rules suppressions "$T/anch.txt" "$RACE"
grep -q ": not suppressed: " "$T/out"
t_ok $? "'^' and '\$' anchor the whole name"
printf 'thread:pthread_create\n' >"$T/kind.txt"
t_run "$FTTRIAGE" rules suppressions "$T/kind.txt" "$UAF"
grep -q ": not suppressed: " "$T/out"
t_ok $? "thread: does not silence a heap-use-after-free"

# scan --suppressions marks the reports in JSON and text.
t_run "$FTTRIAGE" scan --format json --suppressions "$T/supp.txt" "$RACE"
grep -q '"suppressed_by":"race_top:tstate_delete_common (' "$T/out"
t_ok $? "scan --suppressions: JSON suppressed_by"
t_run "$FTTRIAGE" scan --suppressions "$T/supp.txt" "$RACE"
grep -q "suppressed by race_top:tstate_delete_common" "$T/out"
t_ok $? "scan --suppressions: text output"

printf 'race:foo\nrace_bottom:bar\n' >"$T/bad.txt"
t_run "$FTTRIAGE" rules suppressions "$T/bad.txt" "$RACE"
t_is "$t_rc" 2 "a bad suppressions file is an error"
grep -q "bad.txt:2: unknown suppression type 'race_bottom'" "$T/err"
t_ok $? "the error names file and line"

t_done
