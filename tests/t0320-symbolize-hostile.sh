#!/bin/sh
# Module paths come from untrusted logs: the symbolizer must not block on a
# FIFO or a device, and must survive truncated ELF files and garbage in the
# DWARF sections with a clear message, never a crash or a hang.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

P="$top_srcdir/tests/progs/symbolize"
TO="timeout 20"

# ask WHAT MODULE: the batch mode on MODULE ends by itself, does not crash
# and says something on stderr when it cannot read MODULE.
ask() {
	what=$1 mod=$2
	printf '0x1130\n0x1140\n0x400\n0x0\n0xffffffffffffffff\n' >"$T/a"
	$TO "$FTTRIAGE" symbolize --addresses "$mod" <"$T/a" >"$T/out" \
	    2>"$T/err"
	rc=$?
	t_ok $([ $rc -lt 124 ]; echo $?) "$what: ends, no crash (status $rc)"
	t_ok $([ $(grep -c '^$' "$T/out") -eq 5 ]; echo $?) \
	    "$what: one answer per address"
}

# message WHAT PATTERN: stderr says PATTERN.
message() {
	t_ok $(grep -q "$2" "$T/err"; echo $?) "$1: says '$2'"
	grep -q "$2" "$T/err" || sed 's/^/# /' "$T/err"
}

cc -g -O1 "$P/prog.c" "$P/lib.c" -o "$T/prog" || exit 99

mkfifo "$T/fifo"
ask "a FIFO" "$T/fifo"
message "a FIFO" "not a regular file"

ask "/dev/zero" /dev/zero
message "/dev/zero" "not a regular file"

ask "a directory" "$T"
message "a directory" "not a regular file"

ask "a missing file" "$T/nosuch"
message "a missing file" "cannot open module"

printf 'not an ELF file at all\n' >"$T/text"
ask "a text file" "$T/text"
message "a text file" "not an ELF file"

# Truncated at several points: headers, section table, DWARF.
size=$(wc -c <"$T/prog")
for cut in 40 100 1000 4000 $((size / 2)) $((size - 100)); do
	head -c $cut "$T/prog" >"$T/cut"
	ask "truncated at $cut bytes" "$T/cut"
done
head -c 100 "$T/prog" >"$T/cut"
ask "truncated headers" "$T/cut"
message "truncated headers" "ELF"

# Garbage over DWARF sections, at their start and in their middle.
# sect NAME: "offset size" of a section in the file.
sect() {
	readelf -SW "$T/prog" | awk -v n="$1" '$0 ~ " "n" " {
		for (i = 1; i <= NF; i++) if ($i == n) break;
		print $(i + 3), $(i + 4) }' | while read -r o z; do
		echo $((0x$o)) $((0x$z))
	done
}
for s in .debug_info .debug_abbrev .debug_line .debug_str .debug_rnglists \
    .debug_aranges .symtab .strtab; do
	set -- $(sect $s)
	[ $# -eq 2 ] || continue
	for where in 0 $(($2 / 3)) $(($2 - 16)); do
		[ "$where" -ge 0 ] || continue
		cp "$T/prog" "$T/bad"
		awk -v s="$where" 'BEGIN { srand(s + 7); for (i = 0; i < 64; i++)
		    printf "%c", int(rand() * 256) }' >"$T/junk"
		printf '\377\377\377\377\377\377\377\377' >>"$T/junk"
		dd if="$T/junk" of="$T/bad" bs=1 seek=$(($1 + where)) \
		    conv=notrunc 2>/dev/null
		# Every address of the program, not just a few.
		objdump -d --no-show-raw-insn "$T/prog" 2>/dev/null |
		    awk '/^ +[0-9a-f]+:/ { sub(":", "", $1); print "0x" $1 }' \
		    >"$T/a"
		$TO "$FTTRIAGE" symbolize --addresses "$T/bad" <"$T/a" \
		    >"$T/out" 2>"$T/err"
		rc=$?
		t_ok $([ $rc -lt 124 ] &&
		    [ $(grep -c '^$' "$T/out") -eq $(wc -l <"$T/a") ]; echo $?) \
		    "garbage in $s at +$where: every address answered (status $rc)"
	done
done

# The filter with hostile module paths: lines pass through, a message is
# printed once, and the run ends.
{
	echo "==12==ERROR: AddressSanitizer: heap-use-after-free"
	echo "    #0 0x55d4c2b1a1b2  (/dev/zero+0x11b2)"
	echo "    #1 0x55d4c2b1a1b3  (/dev/zero+0x11b3)"
	echo "    #2 0x55d4c2b1a1b4  ($T/fifo+0x11b4)"
	echo "    #3 0x55d4c2b1a1b5  ($T/cut+0x11b5)"
	echo "SUMMARY: AddressSanitizer: heap-use-after-free"
} >"$T/log"
$TO "$FTTRIAGE" symbolize "$T/log" >"$T/out" 2>"$T/err"
t_is "$?" 0 "filter: hostile module paths do not stop the run"
t_ok $(cmp -s "$T/log" "$T/out"; echo $?) "filter: their frames pass through"
t_is "$(grep -c "/dev/zero" "$T/err")" 1 "filter: one message per module"

t_done
