#!/bin/sh
# Exact fields from real logs: frames, roles, pids, tests, locations.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# check FILE PYTHON-EXPR DESCRIPTION: evaluate an expression over the
# reports r[0], r[1], ... that scan finds in a corpus file.
check() {
	"$FTTRIAGE" scan --format json "$CORPUS/$1" >out.json 2>/dev/null
	python3 - "$2" >why 2>&1 <<'PY'
import json, sys
r = [json.loads(l) for l in open("out.json")]
def fr(i, s, f):
    return r[i]["stacks"][s]["frames"][f]
def roles(i):
    return [s["role"] for s in r[i]["stacks"]]
ok = eval(sys.argv[1])
if not ok:
    print("false: " + sys.argv[1])
sys.exit(0 if ok else 1)
PY
	st=$?
	[ $st -eq 0 ] || sed 's/^/# /' why
	t_ok $st "$1: $3"
}

f=001-cpython-finalize-threads-head-race.log
check $f 'r[0]["pid"] == 2727389' "pid from the header"
check $f 'roles(0) == ["current", "previous", "thread-creation"]' "stack roles"
check $f 'fr(0,0,0) == dict(fr(0,0,0), index=0, function="handle_thread_shutdown_exception", file="Python/pylifecycle.c", line=3830, column=5, module="python", offset="0x65e542", build_id="210f4dee1678f3b37d4df3e6b4d2f870b5f45e9c", pc="previous")' "frame #0 fields"
check $f 'fr(0,0,2)["build_id"] is None and fr(0,0,2)["function"] == "make_pre_finalization_calls"' "frame without BuildId"
check $f 'r[0]["stacks"][1]["thread"] == "T3" and r[0]["stacks"][0]["thread"] == "main thread"' "threads of both accesses"
check $f 'r[0]["attributes"]["location"].startswith("global '"'"'_PyRuntime'"'"'")' "location attribute"
check $f 'r[0]["complete"] and r[0]["summary"].endswith("in handle_thread_shutdown_exception")' "complete, with SUMMARY"
check $f 'fr(0,2,0)["function"] == "pthread_create" and fr(0,2,0)["file"] is None' "<null> file is null"

f=019-cpython-decimal-ext-tsan-mid-log.log
check $f 'len(r) == 1 and r[0]["source"]["first_line"] == 4' "stray SUMMARY before the report is not attached"
check $f 'fr(0,0,32)["function"] is None and fr(0,0,32)["module"] == "libtsan.so.2" and fr(0,0,32)["offset"] == "0x4cf1a"' "<null> <null> frame keeps module+offset"
check $f 'fr(0,0,0)["line"] == 616 and fr(0,0,0)["column"] is None' "file:line without column"
check $f 'not r[0]["complete"] and "SUMMARY" in r[0]["missing"]' "cut report is marked incomplete"

f=031-cpython-regrtest-tsan-thread-leak-excerpt.log
check $f 'r[0]["test"] == "test_logging"' "regrtest test name"
check $f 'roles(0) == ["thread-creation"] and len(r[0]["stacks"][0]["frames"]) == 5' "thread leak creation stack"

f=037-mlir-pytest-E-prefixed-tsan-raw-ostream.log
check $f 'fr(0,0,0)["function"] == "llvm::raw_fd_ostream::write_impl(char const*, unsigned long)" and fr(0,0,0)["column"] == 7' "C++ name with spaces under pytest E prefix"
check $f 'r[0]["stacks"][0]["label"].endswith("(mutexes: write M0):")' "access label kept"

f=040-cpython-tracemalloc-four-tsan-reports-macos.log
check $f 'len(r) == 4 and all(x["pid"] == 77186 for x in r)' "four reports, one pid"
check $f 'fr(0,0,0)["module"] == "python.exe" and fr(0,0,0)["offset"] == "0x10012fd8c"' "macOS module:arch+offset"
check $f 'fr(0,0,8)["file"] == "call.c" and fr(0,0,8)["line"] is None' "file without line"
check $f 'roles(1) == ["current", "previous", "thread-creation", "thread-creation"]' "two creation stacks"

f=043-cpython-pyo3-rust-mangled-frames-tsan-excerpt.log
check $f '[s["role"] for s in r[0]["stacks"]] == ["current", "previous", "mutex", "mutex"]' "mutex sections are not access stacks"
check $f 'fr(0,0,1)["function_raw"] == "pyo3::instance::Py$LT$T$GT$::clone_ref::ha0081a8df2f9aba4" and fr(0,0,1)["function"] == "pyo3::instance::Py<T>::clone_ref" and fr(0,0,1)["file"] is None' "Rust frame with <null> file"
check $f 'r[0]["stacks"][0]["label"].startswith("Atomic write of size 8")' "atomic access"

f=064-cpython-sanity-ci-unsymbolized-tsan-frames-excerpt.log
check $f 'fr(0,0,0)["index"] == 35 and fr(0,0,0)["build_id"] == "0d2a3a9760ec1fa0ab244a673f281197b899533b" and "no header" in r[0]["missing"]' "header-less unsymbolized frames"

f=007-cpython-contextvars-hamt-asan-segv.log
check $f 'r[0]["pid"] == 2686350 and r[0]["kind"] == "asan"' "ASan pid"
check $f 'fr(0,0,0)["pc"] == "exact" and fr(0,0,1)["pc"] == "previous" and fr(0,0,0)["address"] == "0x5ce786415023"' "ASan frame #0 is the faulting pc"
check $f 'fr(0,0,2) == dict(fr(0,0,2), function="hamt_iterator_next", line=2196, column=9)' "ASan symbolized frame"
check $f 'roles(0) == ["current", "thread-creation"] and fr(0,1,0)["module_path"].endswith("/python") and fr(0,1,0)["offset"] == "0x33ec35"' "thread-creation stack after SUMMARY"
check $f 'fr(0,0,24)["function"] == "asan_thread_start(void*)" and fr(0,0,24)["file"] == "asan_interceptors.cpp.o"' "location without line"
check $f 'r[0]["complete"] and r[0]["source"]["last_line"] == 72' "ends at ==ABORTING"

f=004-cpython-memoryview-iter-fatal-and-asan.log
check $f '[x["kind"] for x in r] == ["python-fatal", "asan"]' "a fatal error and a separate ASan report"
check $f 'fr(0,0,0)["function"] == "worker" and fr(0,0,0)["line"] == 8 and fr(0,0,0)["class"] == "python"' "Python frame"
check $f 'fr(1,0,4)["function"] is None and fr(1,0,4)["module"] == "libc.so.6" and fr(1,0,4)["offset"] == "0x45caf"' "ASan frame with only a module"

f=022-cpython-faulthandler-watchdog-fatal-gdb.log
check $f 'len(r) == 1 and r[0]["parts"] == ["python-fatal", "faulthandler", "gdb-backtrace"]' "fatal error + stack + gdb are one report"
check $f 'r[0]["stacks"][1]["frames"][8]["function"] == "PyMutex_Unlock" and r[0]["stacks"][1]["frames"][8]["line"] == 664' "gdb frame"
check $f 'r[0]["stacks"][1]["frames"][6]["function"] == "fatal_error" and r[0]["stacks"][1]["frames"][6]["file"] == "Python/pylifecycle.c" and r[0]["stacks"][1]["frames"][6]["line"] == 3741' "gdb frame wrapped over two lines"
check $f 'r[0]["stacks"][1]["frames"][10]["inlined"] and r[0]["stacks"][1]["frames"][11]["address"] is None' "gdb inline chain"
check $f 'r[0]["stacks"][1]["frames"][0]["pc"] == "exact" and r[0]["stacks"][1]["frames"][3]["pc"] == "return"' "gdb pc kinds"

f=052-pillow-jpeg-gdb-wrapped-malloc-corruption-excerpt.log
check $f 'fr(0,0,3) == dict(fr(0,0,3), function="_setimage", file="src/decode.c", line=204, address="0x7ffff6ed2a73")' "80-column wrapped gdb frame"

f=049-nanobind-lldb-backtrace-tsan-build-excerpt.log
check $f 'r[0]["kind"] == "lldb-backtrace" and fr(0,0,0)["function"] == "_PyType_MergeThreadLocalRefcounts" and fr(0,0,0)["file"] == "typeid.c" and fr(0,0,0)["line"] == 159 and fr(0,0,0)["module"] == "python3"' "lldb frame"

f=034-viztracer-313t-faulthandler-segfault.log
check $f 'r[0]["attributes"]["extension_modules"].startswith("viztracer.snaptrace") and len(r[0]["stacks"][0]["frames"]) == 4' "extension modules and Python frames"
check $f 'r[0]["stacks"][0]["thread"] == "0x00007f7a40c70740"' "current thread id"

f=025-uvloop-cython-pyx-vectorcallfunc-build-error.log
check $f 'fr(0,0,0) == dict(fr(0,0,0), file="uvloop/loop.c", line=4543, column=80, function="__Pyx_PyVectorcall_FastCallDict")' "build error location and function"

f=058-bitstruct-indented-gil-warning.log
check $f 'r[0]["attributes"]["module"] == "bitstruct.c"' "GIL warning names the module"

# Crash output glued to pytest -v's test id, and headers cut at the front.
(printf 'tests/test_x.py::test_crash '; cat "$CORPUS/034-viztracer-313t-faulthandler-segfault.log") >glued.log
"$FTTRIAGE" scan --format json glued.log >out.json
python3 -c 'import json; r=[json.loads(l) for l in open("out.json")]
assert len(r)==1 and r[0]["kind"]=="python-fatal" and r[0]["test"]=="tests/test_x.py::test_crash" and r[0]["complete"], r' 2>&1 | sed 's/^/# /'
t_ok $? "fatal error glued to the pytest test id"
for cut in 'ING: ThreadSanitizer' 'ThreadSanitizer' 'eadSanitizer'; do
	sed "1s/^WARNING: ThreadSanitizer/$cut/" "$CORPUS/001-cpython-finalize-threads-head-race.log" |
	    "$FTTRIAGE" scan --format json >out.json
	python3 -c 'import json; r=[json.loads(l) for l in open("out.json")]
assert len(r)==1 and r[0]["kind"]=="tsan-data-race" and not r[0]["complete"] and "lost its beginning" in r[0]["missing"] and len(r[0]["stacks"])==3, r' 2>&1 | sed 's/^/# /'
	t_ok $? "header cut to '$cut...' is still read, marked"
done

# faulthandler dumps every thread; the crash is the "Current thread".
"$FTTRIAGE" scan --no-store --format json "$top_srcdir/fixtures/example-ci.log" >out.json
python3 -c 'import json; r=[json.loads(l) for l in open("out.json")]
f=[x for x in r if x["kind"]=="python-fatal"][0]; c=f["culprit"]
assert f["stacks"][c["stack"]]["frames"][c["frame"]]["function"]=="evictor", c' 2>&1 | sed 's/^/# /'
t_ok $? "a fatal error is blamed on the current thread, not the first dumped"

# CPython 3.14's C stack: module offsets and addresses of each frame.
printf '%s\n' 'Fatal Python error: Segmentation fault' '' \
    'Current thread 0x00007f3a (most recent call first):' '  File "x.py", line 3 in f' '' \
    "Current thread's C stack trace (most recent call first):" \
    '  Binary file "/nonexistent/libpython3.14t.so.1.0", at +0x32dcbd [0x7f000032dcbd]' \
    '  Binary file "/nonexistent/mod.so", at func+0x42 [0x7f12]' >cstack.log
"$FTTRIAGE" scan --no-symbolize --no-store --format json cstack.log >out.json
python3 -c 'import json; r=[json.loads(l) for l in open("out.json")]
n=r[0]["stacks"][1]["frames"]
assert r[0]["stacks"][1]["role"]=="native" and n[0]["offset"]=="0x32dcbd" and n[0]["address"]=="0x7f000032dcbd" and n[0]["pc"]=="return", n
assert n[1]["function"]=="func" and n[1]["offset"] is None and n[1]["module_path"]=="/nonexistent/mod.so", n' 2>&1 | sed 's/^/# /'
t_ok $? "3.14 C stack frames: module offset, address, return pc"

# A build directory called "asan" or "tsan" does not make the user's code
# sanitizer runtime; the runtime's own sources still are.
printf '%s\n' 'WARNING: ThreadSanitizer: data race (pid=1)' \
    '  Write of size 4 at 0x1 by thread T1:' '    #0 bump /ci/asan/src/tsan/x.c:3 (prog+0x1)' '' \
    '  Thread T1 (tid=2, running) created by main thread at:' \
    '    #0 pthread_create ../../../../src/libsanitizer/tsan/tsan_interceptors_posix.cpp:1001 (libtsan.so.2+0x5e686)' \
    '    #1 main /ci/asan/src/tsan/x.c:9 (prog+0x2)' '' \
    'SUMMARY: ThreadSanitizer: data race /ci/asan/src/tsan/x.c:3 in bump' >sandir.log
"$FTTRIAGE" scan --no-store --no-symbolize --format json sandir.log >out.json
python3 -c 'import json; r=[json.loads(l) for l in open("out.json")][0]
assert r["stacks"][0]["frames"][0]["class"] != "sanitizer", r["stacks"][0]
assert r["stacks"][1]["frames"][0]["class"] == "sanitizer", r["stacks"][1]
c=r["culprit"]; assert r["stacks"][c["stack"]]["frames"][c["frame"]]["function"]=="bump", c' 2>&1 | sed 's/^/# /'
t_ok $? "a directory named asan or tsan is not the sanitizer runtime"

t_done
