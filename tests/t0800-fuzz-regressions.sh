#!/bin/sh
# Every input a fuzzer once crashed on, replayed: through the harness that
# found it (tests/fuzz-replay-*, the same code without libFuzzer) and
# through the fttriage command that reads such input.  Under the ASan,
# UBSan and valgrind runs of the suite these replays are the checks that
# matter; here they must at least end cleanly.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

R="$top_srcdir/fixtures/fuzz-regressions"
TO="timeout 60"

# clean STATUS: ended by itself, not by a signal or the timeout.
clean() {
	[ "$1" -lt 124 ]
}

for h in scan frame rules config elf sieve; do
	[ -d "$R/$h" ] || continue
	for f in "$R/$h"/*; do
		[ -f "$f" ] || continue
		name="$h/$(basename "$f")"
		$TO ${T_WRAP:-} "$top_builddir/tests/fuzz-replay-$h" "$f" \
		    >out 2>err
		rc=$?
		t_ok $rc "$name: the harness replays it (status $rc)"
		[ $rc -eq 0 ] || sed 's/^/# /' err | head -20

		case $h in
		scan|frame)
			# A frame line alone, and inside each kind of stack.
			{
				cat "$f"
				printf '\nWARNING: ThreadSanitizer: data race (pid=1)\n'
				printf '  Write of size 8 at 0x1 by main thread:\n    '
				cat "$f"
				printf '\nFatal Python error: Segmentation fault\n\n'
				printf "Current thread's C stack trace (most recent call first):\n  "
				cat "$f"
				printf '\n\n(gdb) bt\n'
				cat "$f"
				printf '\n'
			} >log
			for fmt in text json; do
				$TO "$FTTRIAGE" scan --no-store --format $fmt log \
				    >out 2>err
				rc=$?
				t_ok $(clean $rc; echo $?) \
				    "$name: scan --format $fmt ends cleanly ($rc)"
			done ;;
		rules)
			$TO "$FTTRIAGE" rules -n -R "$f" check >out 2>err
			rc=$?
			t_ok $(clean $rc; echo $?) \
			    "$name: rules check ends cleanly ($rc)"
			$TO "$FTTRIAGE" scan --no-store --rules "$f" \
			    "$top_srcdir/fixtures/example-ci.log" >out 2>err
			rc=$?
			t_ok $(clean $rc; echo $?) \
			    "$name: scan with it ends cleanly ($rc)" ;;
		config)
			$TO "$FTTRIAGE" scan --db "$T/db" --config "$f" \
			    "$top_srcdir/fixtures/example-ci.log" >out 2>err
			rc=$?
			t_ok $(clean $rc; echo $?) \
			    "$name: scan --config ends cleanly ($rc)" ;;
		elf)
			printf '0x0\n0x1000\n0x1139\n0x401136\n' |
			    $TO "$FTTRIAGE" symbolize --addresses "$f" >out 2>err
			rc=$?
			t_ok $(clean $rc; echo $?) \
			    "$name: symbolize --addresses ends cleanly ($rc)" ;;
		esac
	done
done
t_done
