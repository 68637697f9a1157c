#!/bin/sh
# The symbolize stage inside scan: on by default, frames filled in from the
# modules the report names, inline frames expanded with their printed
# index kept, --no-symbolize to turn it off.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

P="$top_srcdir/tests/progs/symbolize"
d="$T/b"
mkdir -p "$d"
if ! clang -fsanitize=thread -g -O1 -fPIC -shared "$P/racy_ext.c" \
    -o "$d/libracy_ext.so" 2>/dev/null ||
    ! clang -fsanitize=thread -g -O1 "$P/racy.c" -o "$d/racy" -ldl \
    -lpthread 2>/dev/null; then
	t_skip "clang cannot build with -fsanitize=thread"
	t_done
	exit
fi
(cd "$d" && TSAN_OPTIONS=symbolize=0 ./racy ./libracy_ext.so \
    >/dev/null 2>"$d/raw.log")
if grep -q 'FATAL: ThreadSanitizer' "$d/raw.log"; then
	(cd "$d" && TSAN_OPTIONS=symbolize=0 setarch "$(uname -m)" -R \
	    ./racy ./libracy_ext.so >/dev/null 2>"$d/raw.log")
fi
grep -q '<null> <null> (libracy_ext.so+' "$d/raw.log"
t_ok $? "the log has unsymbolized plug-in frames"

"$FTTRIAGE" scan --format json --symbols "$d" "$d/raw.log" >"$T/out" \
    2>"$T/err"
t_is "$?" 0 "scan --symbols exits 0"
t_ok $(grep -q '"function":"cache_store","function_raw":null,"file":"[^"]*racy_ext.c","line":8' "$T/out"; echo $?) \
    "the plug-in's inlined function and line are filled in"
t_ok $(grep -o '"function":"cache_store"[^}]*' "$T/out" | head -1 |
    grep -q '"inlined":true.*"resolved":"symbolized"'; echo $?) \
    "the inlined frame is marked inlined and symbolized"
t_ok $(grep -o '"index":0,"function":"ext_bump"[^}]*' "$T/out" | head -1 |
    grep -q '"inlined":false'; echo $?) \
    "its caller keeps the printed index and is not inlined"
t_ok $(grep -q '"module":"libracy_ext.so","module_path":"'"$d"'/libracy_ext.so"' "$T/out"; echo $?) \
    "the module's full path is recorded"

"$FTTRIAGE" scan --format json "$d/raw.log" >"$T/out2" 2>/dev/null
t_ok $(grep -q '"function":"worker"' "$T/out2"; echo $?) \
    "by default the program is found through the SUMMARY path"

"$FTTRIAGE" scan --format json --no-symbolize --symbols "$d" "$d/raw.log" \
    >"$T/out3" 2>/dev/null
t_ok $(grep -q '"resolved":"symbolized"' "$T/out3"; echo $((1 - $?))) \
    "--no-symbolize leaves the frames as printed"

t_done
