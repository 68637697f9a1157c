#!/bin/sh
# Fingerprints of real ThreadSanitizer reports: a racy program is built with
# gcc and clang at -O0 and -O1 (with its lines shifted), run in both orders
# of one race and on a second race, symbolized and not; the keys must group
# the same race and separate different ones, and never hold an address.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

src="$top_srcdir/tests/progs/race-pair.c"
export TSAN_OPTIONS="halt_on_error=0 exitcode=0 report_signal_unsafe=0"

# build DIR COMPILER OPT [shift]: DIR/race-pair, optionally from a copy of
# the source with a blank line in front (every line number moves).
build() {
	mkdir -p "$1"
	if [ $# -gt 3 ]; then
		{ echo; cat "$src"; } >"$1/race-pair.c"
	else
		cp "$src" "$1/race-pair.c"
	fi
	"$2" -fsanitize=thread -g "$3" -o "$1/race-pair" "$1/race-pair.c" \
	    -pthread >"$1/cc.err" 2>&1
}

# key LOG [option...]: the key of the first report ("-" if there is none).
key() {
	log=$1
	shift
	"$FTTRIAGE" explain --keys "$@" "$log" >"$log.keys" 2>/dev/null
	k=$(head -n 1 "$log.keys" | cut -f 6)
	echo "${k:--}"
}

# run DIR MODE LOG [env...]: run the program, keep its report.
run() {
	d=$1 m=$2 log=$3
	shift 3
	env "$@" "$d/race-pair" "$m" >"$log" 2>&1
}

if ! build gcc0 "${CC:-cc}" -O0 || ! run gcc0 1ab probe.log ||
    ! grep -q "WARNING: ThreadSanitizer: data race" probe.log; then
	t_skip "the C compiler cannot build or run -fsanitize=thread programs"
	t_done
	exit 0
fi

build gcc1 "${CC:-cc}" -O1 shift
run gcc0 1ab g0-ab.log
run gcc0 1ba g0-ba.log
run gcc0 2ab g0-2.log
run gcc1 1ab g1-ab.log
run gcc1 1ba g1-ba.log
run gcc0 1ab g0-ab-raw.log TSAN_OPTIONS="$TSAN_OPTIONS symbolize=0"
run gcc0 2ab g0-2-raw.log TSAN_OPTIONS="$TSAN_OPTIONS symbolize=0"

k_ab=$(key g0-ab.log)
t_is "$k_ab" "v1 tsan-data-race :: reader_one | writer_one" \
    "gcc -O0: the race keys on its two access sites"
t_is "$(key g0-ba.log)" "$k_ab" "gcc -O0: the other order of the race, same key"
t_is "$(key g1-ab.log)" "$k_ab" \
    "gcc -O1 with every line moved: same key"
t_is "$(key g1-ba.log)" "$k_ab" "gcc -O1, other order: same key"
k2=$(key g0-2.log)
t_is "$k2" "v1 tsan-data-race :: bump_two | peek_two" "a different race"
[ "$k2" != "$k_ab" ]
t_ok $? "different races, different keys"

# The reports really differ in what the key ignores.
grep -h '#0 ' g0-ab.log g1-ab.log | sed 's/.*(//' | sort -u >offsets
[ "$(wc -l <offsets)" -ge 3 ]
t_ok $? "the -O0 and -O1 reports print different offsets"
grep -h 'SUMMARY' g0-ab.log g1-ab.log | sort -u >summaries
[ "$(wc -l <summaries)" -eq 2 ]
t_ok $? "the two builds report different line numbers"
grep -q "by thread T2" g0-ab.log && grep -q "Previous read" g0-ba.log
t_ok $? "the two orders swap which access is current"

# Explain says why, and compares across logs.
"$FTTRIAGE" explain g0-ab.log g1-ba.log >explain.out
t_is "$?" 0 "explain: two logs, one issue (exit 0)"
grep -q "^same issue" explain.out && grep -q "below the site, not part of the key" explain.out
t_ok $? "explain: same issue, unused frames named"
"$FTTRIAGE" explain g0-ab.log g0-2.log >explain2.out
t_is "$?" 1 "explain: different races (exit 1)"
grep -q "only the first has: reader_one" explain2.out
t_ok $? "explain: says which sites differ"

# Unsymbolized and not symbolized by fttriage either: keyed by module with
# low confidence, never by offset.
kr=$(key g0-ab-raw.log --no-symbolize)
t_is "$kr" "v1 tsan-data-race :: ?@race-pair | ?@race-pair" \
    "symbolize=0, --no-symbolize: module-only key"
grep -q "0x" g0-ab-raw.log.keys
t_is "$?" 1 "symbolize=0, --no-symbolize: no offset in any key"
"$FTTRIAGE" scan --no-symbolize --format json g0-ab-raw.log |
    grep -q '"fingerprint-confidence":"low"'
t_ok $? "symbolize=0, --no-symbolize: confidence marked low"
# fttriage symbolizes the copy (the module's path is in SUMMARY): it joins
# the issue of the copy TSan symbolized itself.
t_is "$(key g0-ab-raw.log)" "$k_ab" \
    "symbolize=0, symbolized by fttriage: same key as by TSan"
t_is "$(key g0-2-raw.log)" "$k2" \
    "symbolize=0, symbolized by fttriage: the other race keeps its key"
"$FTTRIAGE" symbolize --symbols gcc0 <g0-ab-raw.log >g0-ab-sym.log
t_is "$(key g0-ab-sym.log --no-symbolize)" "$k_ab" \
    "through 'fttriage symbolize': same key"

# clang: its own runtime (linked in statically) and its own symbolizer.
if command -v clang >/dev/null 2>&1 && build cl0 clang -O0 &&
    build cl1 clang -O1 shift; then
	run cl0 1ab c0-ab.log
	run cl1 1ba c1-ba.log
	run cl1 2ab c1-2.log
	t_is "$(key c0-ab.log)" "$k_ab" "clang -O0: same key as gcc"
	t_is "$(key c1-ba.log)" "$k_ab" "clang -O1, other order: same key"
	t_is "$(key c1-2.log)" "$k2" "clang -O1: the other race"
else
	t_skip "no clang with -fsanitize=thread"
	t_skip "no clang with -fsanitize=thread"
	t_skip "no clang with -fsanitize=thread"
fi

t_done
