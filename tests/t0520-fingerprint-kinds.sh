#!/bin/sh
# Fingerprints of real ThreadSanitizer reports other than data races: a
# lock-order inversion keys on its lock sites, a thread leak on where the
# thread was created, a bad unlock on the unlock site, a heap-use-after-
# free on the free and the use -- the same with gcc at -O0 and clang at -O1
# with every line moved.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

src="$top_srcdir/tests/progs/tsan-kinds.c"
export TSAN_OPTIONS="halt_on_error=0 exitcode=0 second_deadlock_stack=1"

build() {
	mkdir -p "$1"
	if [ $# -gt 3 ]; then
		{ echo; echo; cat "$src"; } >"$1/tsan-kinds.c"
	else
		cp "$src" "$1/tsan-kinds.c"
	fi
	"$2" -fsanitize=thread -g "$3" -o "$1/tsan-kinds" "$1/tsan-kinds.c" \
	    -pthread >"$1/cc.err" 2>&1
}

key() {
	"$FTTRIAGE" explain --keys "$1" >"$1.keys" 2>/dev/null
	k=$(head -n 1 "$1.keys" | cut -f 6)
	echo "${k:--}"
}

if ! build gcc0 "${CC:-cc}" -O0; then
	t_skip "the C compiler cannot build -fsanitize=thread programs"
	t_done
	exit 0
fi
builds=gcc0
if command -v clang >/dev/null 2>&1 && build cl1 clang -O1 shift; then
	builds="gcc0 cl1"
fi

for b in $builds; do
	for m in inversion leak unlock uaf; do
		"$b/tsan-kinds" $m >"$b-$m.log" 2>&1
	done
	t_is "$(key $b-inversion.log)" "v1 tsan-lock-order-inversion :: \
pthread_mutex_lock>lock_ab | pthread_mutex_lock>lock_ba" \
	    "$b: lock-order inversion keys on its two lock sites"
	t_is "$(key $b-leak.log)" "v1 tsan-thread-leak :: spawn_worker" \
	    "$b: thread leak keys on the creation site"
	t_is "$(key $b-unlock.log)" "v1 tsan-mutex-bad-unlock :: \
pthread_mutex_unlock>release_twice" \
	    "$b: bad unlock keys on the unlock site, lock wrapper as prefix"
	t_is "$(key $b-uaf.log)" \
	    "v1 tsan-heap-use-after-free :: drop_buffer | read_buffer" \
	    "$b: use-after-free keys on the free and the use"
	t_is "$(cut -f 4 $b-uaf.log.keys)" "read_buffer" \
	    "$b: the use is the culprit, not the free interceptor"
done
[ "$builds" = "gcc0 cl1" ] || {
	t_skip "no clang with -fsanitize=thread"
}

t_done
