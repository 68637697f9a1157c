#!/bin/sh
# bench/symbolize.sh: fttriage's symbolizer against llvm-symbolizer and
# addr2line on one large library with full DWARF, same addresses, answers
# compared; then one ~30-frame report in three modules, cold, against one
# start of llvm-symbolizer.  Not part of make check.
#
# usage: bench/symbolize.sh [FTTRIAGE [LIBRARY [COUNT]]]
set -u
FT=${1:-./fttriage}
LIB=${2:-}
N=${3:-100000}
if [ -z "$LIB" ]; then
	for c in /root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0 \
	    "$(python3 -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))' 2>/dev/null)/libpython3.11.so.1.0"; do
		[ -f "$c" ] && { LIB=$c; break; }
	done
fi
[ -f "$LIB" ] || { echo "no library with DWARF found; pass one" >&2; exit 2; }
W=$(mktemp -d) || exit 2
trap 'rm -rf "$W"' EXIT
export LC_ALL=C

# now: seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }
# secs START END: the difference.
secs() { echo "$1 $2" | awk '{ printf "%.3f", $2 - $1 }'; }

set -- $(readelf -SW "$LIB" | awk '$0 ~ / \.text / {
	for (i = 1; i <= NF; i++) if ($i == ".text") break;
	print $(i + 2), $(i + 4) }')
lo=$((0x$1)) size=$((0x$2))
awk -v lo=$lo -v size=$size -v n=$N 'BEGIN { srand(1);
	for (i = 0; i < n; i++) printf "0x%x\n", lo + int(rand() * size) }' \
	>"$W/addrs"
echo "library:   $LIB ($(wc -c <"$LIB") bytes, .text $size bytes)"
echo "addresses: $N random in .text"

# best CMD...: run three times; print the best wall time and the best CPU
# time (user + system, when GNU time is there).  The machine may be
# shared: the minimum is the least disturbed run.
best() {
	bw= bc=
	for k in 1 2 3; do
		if [ -x /usr/bin/time ]; then
			/usr/bin/time -f '%e %U %S' -o "$W/time" "$@"
			set -- "$@"
			w=$(awk '{ print $1 }' "$W/time")
			c=$(awk '{ print $2 + $3 }' "$W/time")
		else
			s=$(now); "$@"; e=$(now)
			w=$(secs $s $e) c=
		fi
		bw=$(awk -v b="$bw" -v t="$w" 'BEGIN {
			print (b == "" || t + 0 < b + 0) ? t : b }')
		[ -z "$c" ] || bc=$(awk -v b="$bc" -v t="$c" 'BEGIN {
			print (b == "" || t + 0 < b + 0) ? t : b }')
	done
	echo "$bw ${bc:--}"
}
set -- $(best sh -c '"$0" symbolize --addresses "$1" <"$2" >"$3"' \
    "$FT" "$LIB" "$W/addrs" "$W/ft")
ft=$1 ftc=$2
set -- $(best sh -c 'llvm-symbolizer --inlining --obj="$0" <"$1" >"$2"' \
    "$LIB" "$W/addrs" "$W/llvm")
llvm=$1 llvmc=$2
set -- $(best sh -c 'addr2line -a -f -i -C -e "$0" <"$1" >"$2"' \
    "$LIB" "$W/addrs" "$W/a2l")
a2l=$1 a2lc=$2

# Answers: fttriage against llvm-symbolizer, block by block (all fields);
# against addr2line, the function names of each inline chain.
same_llvm=$(awk 'BEGIN { RS = ""; FS = "\n" } FNR == NR { a[FNR] = $0; next }
	a[FNR] == $0 { s++ } END { print s + 0 }' "$W/llvm" "$W/ft")
awk 'BEGIN { RS = ""; FS = "\n" } { f = ""; for (i = 1; i <= NF; i += 2)
	f = f " " $i; print f }' "$W/ft" >"$W/ft.fn"
awk '/^0x/ { if (n++) print f; f = ""; next } /:/ { next }
	{ f = f " " $0 } END { print f }' "$W/a2l" >"$W/a2l.fn"
same_a2l=$(paste -d '|' "$W/ft.fn" "$W/a2l.fn" | awk -F'|' '$1 == $2' | wc -l)

echo "best of 3 runs; wall clock and CPU (user + system) seconds"
printf '%-16s %8s %8s   same answers as fttriage\n' tool wall cpu
printf '%-16s %8s %8s   -\n' fttriage "$ft" "$ftc"
printf '%-16s %8s %8s   %d/%d (function, file, line, column, inlines)\n' \
    llvm-symbolizer "$llvm" "$llvmc" "$same_llvm" "$N"
printf '%-16s %8s %8s   %d/%d (function names of the inline chain)\n' \
    addr2line "$a2l" "$a2lc" "$same_a2l" "$N"
ratios() {
	awk -v w="$1" -v f=$2 -v l=$3 -v a=$4 'BEGIN {
	if (f + 0 == 0) exit
	b = l < a ? l : a
	printf "%s: fttriage is %.1fx faster than llvm-symbolizer, %.1fx than addr2line, %.1fx than the faster\n", w, l / f, a / f, b / f }'
}
ratios wall "$ft" "$llvm" "$a2l"
[ "$ftc" = - ] || ratios cpu "$ftc" "$llvmc" "$a2lc"

# One report of 30 frames in three modules, cold (a new process each
# time): the interpreter library, a program and a shared library built
# from the test sources, 10 frames each, in TSan's unsymbolized shape.
P=$(cd "$(dirname "$0")/.." && pwd)/tests/progs/symbolize
cc -O2 -g -fPIC -shared "$P/lib.c" -o "$W/liblib.so"
cc -O2 -g "$P/prog.c" "$W/liblib.so" -o "$W/prog"
frames() {
	objdump -d --no-show-raw-insn -j .text "$1" |
	    awk '/^ +[0-9a-f]+:/ { sub(":", "", $1); print "0x" $1 }' |
	    awk 'NR % 7 == 3' | head -10
}
{
	echo "WARNING: ThreadSanitizer: data race (pid=1)"
	i=0
	for a in $(sed -n '1,10p' "$W/addrs"); do
		echo "    #$i <null> <null> ($(basename "$LIB")+$a)"; i=$((i + 1))
	done
	for a in $(frames "$W/liblib.so"); do
		echo "    #$i <null> <null> (liblib.so+$a)"; i=$((i + 1))
	done
	for a in $(frames "$W/prog"); do
		echo "    #$i <null> <null> (prog+$a)"; i=$((i + 1))
	done
	echo "SUMMARY: ThreadSanitizer: data race ($LIB+0x1)"
} >"$W/report"
R=10
t0=$(now)
for k in $(seq $R); do
	"$FT" symbolize --symbols "$W" <"$W/report" >"$W/out" 2>/dev/null
done
t1=$(now)
for k in $(seq $R); do llvm-symbolizer --version >/dev/null; done
t2=$(now)
for k in $(seq $R); do echo 0x0 | llvm-symbolizer --obj="$LIB" >/dev/null; done
t3=$(now)
echo "report of 30 frames in 3 modules, cold, mean of $R runs:"
awk -v a=$t0 -v b=$t1 -v c=$t2 -v d=$t3 -v r=$R 'BEGIN {
	printf "  fttriage symbolize:                 %.1f ms\n", (b - a) * 1000 / r
	printf "  llvm-symbolizer start (--version):  %.1f ms\n", (c - b) * 1000 / r
	printf "  llvm-symbolizer, one address:       %.1f ms\n", (d - c) * 1000 / r }'
echo "  frames with a source line: $(grep -c '^ *#[0-9]* [^<].*:[0-9]' "$W/out") (30 printed, inline frames expanded: $(grep -c '^ *#' "$W/out") lines)"
