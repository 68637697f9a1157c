#!/bin/sh
# The symbolizer against llvm-symbolizer --inlining, address by address:
# programs and shared libraries from gcc and clang, -O0 and -O2 (inlined),
# DWARF 4 and 5; a stripped copy whose debug information is found through
# .gnu_debuglink, and one found through a .build-id directory.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

P="$top_srcdir/tests/progs/symbolize"
LLVM=$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || true)

# addrs FILE: every instruction address in .text, as 0x... lines.
addrs() {
	objdump -d --no-show-raw-insn -j .text "$1" |
	    awk '/^ +[0-9a-f]+:/ { sub(":", "", $1); print "0x" $1 }'
}

# same WHAT OBJ [LLVM-OPTIONS...]: fttriage and llvm-symbolizer agree on
# every address of OBJ.
same() {
	what=$1 obj=$2
	shift 2
	addrs "$obj" >"$T/a"
	n=$(wc -l <"$T/a")
	"$LLVM" --inlining "$@" --obj="$obj" <"$T/a" >"$T/want" 2>/dev/null
	"$FTTRIAGE" symbolize $FTOPTS --addresses "$obj" <"$T/a" >"$T/got" \
	    2>"$T/err"
	if [ "$n" -gt 20 ] && cmp -s "$T/want" "$T/got"; then
		t_ok 0 "$what: $n addresses as llvm-symbolizer"
	else
		diff "$T/want" "$T/got" | head -20 | sed 's/^/# /'
		t_ok 1 "$what: $n addresses as llvm-symbolizer"
	fi
}

if [ -z "$LLVM" ] || ! command -v objdump >/dev/null 2>&1; then
	t_skip "llvm-symbolizer or objdump missing"
	t_done
	exit
fi

FTOPTS=
for cc in gcc clang; do
	if ! command -v $cc >/dev/null 2>&1; then
		t_skip "$cc missing"
		continue
	fi
	for opt in -O0 -O2; do
		for dw in 4 5; do
			tag="$cc $opt DWARF $dw"
			d="$T/$cc$opt-$dw"
			mkdir -p "$d"
			$cc $opt -g -gdwarf-$dw -fPIC -shared "$P/lib.c" \
			    -o "$d/liblib.so" &&
			$cc $opt -g -gdwarf-$dw "$P/prog.c" "$d/liblib.so" \
			    -o "$d/prog" || { t_ok 1 "$tag: compile"; continue; }
			same "$tag program" "$d/prog"
			same "$tag library" "$d/liblib.so"
		done
	done
done

# Split debug information, found through .gnu_debuglink next to the file.
d="$T/split"
mkdir -p "$d/dbg"
gcc -O2 -g -gdwarf-5 -Wl,--build-id "$P/prog.c" "$P/lib.c" -o "$d/full"
objcopy --only-keep-debug "$d/full" "$d/prog.debug"
objcopy --strip-debug --add-gnu-debuglink="$d/prog.debug" "$d/full" "$d/prog"
t_ok $(readelf -S "$d/prog" | grep -q debug_info; echo $((1 - $?))) \
    "the stripped copy has no .debug_info"
same "stripped, .gnu_debuglink" "$d/prog"

# Split debug information found by build-id under --debug-dir.
id=$(readelf -n "$d/full" | awk '/Build ID/ { print $3 }')
mkdir -p "$d/dbg/.build-id/$(echo "$id" | cut -c1-2)"
cp "$d/prog.debug" "$d/dbg/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug"
objcopy --strip-debug "$d/full" "$d/bare"
FTOPTS="--debug-dir $d/dbg"
same "stripped, build-id under --debug-dir" "$d/bare" \
    --debug-file-directory="$d/dbg"
FTOPTS=

# The answers carry real lines, not just names: the inline chain of walk().
addrs "$T/gcc-O2-4/prog" >"$T/a"
"$FTTRIAGE" symbolize --addresses "$T/gcc-O2-4/prog" <"$T/a" >"$T/got"
t_ok $(grep -A1 '^step_leaf$' "$T/got" | grep -q 'prog.c:1[0-9]:'; echo $?) \
    "an inlined frame names its own file and line"

# A debug file of another build (other build-id, other CRC) is not used.
gcc -O1 -g -Wl,--build-id "$P/prog.c" "$P/lib.c" -o "$d/other"
objcopy --only-keep-debug "$d/other" "$d/prog.debug"
addrs "$d/prog" | head -50 >"$T/a"
"$FTTRIAGE" symbolize --addresses "$d/prog" <"$T/a" >"$T/got" 2>/dev/null
t_ok $(grep -q 'prog.c' "$T/got"; echo $((1 - $?))) \
    "a debug file of another build is not used"

t_done
