#!/bin/sh
# gen-log.sh N DISTINCT [SEED]: print a ThreadSanitizer log of N data race
# reports spread over DISTINCT different races, with pytest noise between
# them.  Report i races site_(i mod DISTINCT) against its partner, in either
# order, with addresses, pids and line numbers that vary as in a real run.
# Used by the store's fault tests and its benchmark.
n=${1:?usage: gen-log.sh N DISTINCT [SEED]}
d=${2:?usage: gen-log.sh N DISTINCT [SEED]}
seed=${3:-1}
awk -v n="$n" -v d="$d" -v seed="$seed" '
function stack(fn, line, off, who) {
	printf "    #0 %s_access ext/mod%d.c:%d (_mod%d.cpython-313t-x86_64-linux-gnu.so+0x%x)\n", fn, k % 37, line, k % 37, off
	printf "    #1 %s ext/mod%d.c:%d (_mod%d.cpython-313t-x86_64-linux-gnu.so+0x%x)\n", fn, k % 37, line + 40, k % 37, off + 512
	printf "    #2 cfunction_vectorcall_NOARGS methodobject.c:481 (python3.13t+0x1f2a3c)\n"
	printf "    #3 _PyEval_EvalFrameDefault generated_cases.c.h:1502 (python3.13t+0x2b1e07)\n"
	printf "    #4 _PyFunction_Vectorcall call.c:413 (python3.13t+0x1a7f21)\n"
	printf "    #5 thread_run _threadmodule.c:337 (python3.13t+0x3c0d11)\n"
	printf "    #6 pythread_wrapper thread_pthread.h:243 (python3.13t+0x36e0a4)\n"
}
BEGIN {
	srand(seed)
	for (i = 0; i < n; i++) {
		k = i % d
		pid = 4000 + int(i / 50)
		base = 4096 * (k + 1)
		a = sprintf("writer_%d", k)
		b = sprintf("reader_%d", k)
		if (int(i / d) % 2) { t = a; a = b; b = t }
		printf "tests/test_mod.py::test_case_%d PASSED\n", i
		printf "==================\n"
		printf "WARNING: ThreadSanitizer: data race (pid=%d)\n", pid
		printf "  Write of size 8 at 0x7b%010x by thread T%d:\n", base + i, 1 + i % 8
		stack(a, 100 + int(rand() * 50), base)
		printf "\n  Previous read of size 8 at 0x7b%010x by thread T%d:\n", base + i, 9 + i % 8
		stack(b, 200 + int(rand() * 50), base + 64)
		printf "\n  Location is heap block of size 64 at 0x7b%010x allocated by main thread:\n", base
		printf "    #0 malloc ../../../../src/libsanitizer/tsan/tsan_interceptors_posix.cpp:647 (libtsan.so.2+0x3ef1f)\n"
		printf "    #1 mod%d_new ext/mod%d.c:20 (_mod%d.cpython-313t-x86_64-linux-gnu.so+0x%x)\n\n", k % 37, k % 37, k % 37, base + 128
		printf "SUMMARY: ThreadSanitizer: data race ext/mod%d.c:%d in %s_access\n", k % 37, 100, a
		printf "==================\n"
	}
}'
