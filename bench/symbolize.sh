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

t0=$(now); "$FT" symbolize --addresses "$LIB" <"$W/addrs" >"$W/ft"; t1=$(now)
llvm-symbolizer --inlining --obj="$LIB" <"$W/addrs" >"$W/llvm"; t2=$(now)
addr2line -a -f -i -C -e "$LIB" <"$W/addrs" >"$W/a2l"; t3=$(now)
ft=$(secs $t0 $t1) llvm=$(secs $t1 $t2) a2l=$(secs $t2 $t3)

# Answers: fttriage against llvm-symbolizer, block by block (all fields);
# against addr2line, the function names of each inline chain.
same_llvm=$(awk 'BEGIN { RS = ""; FS = "\n" } FNR == NR { a[FNR] = $0; next }
	a[FNR] == $0 { s++ } END { print s + 0 }' "$W/llvm" "$W/ft")
awk 'BEGIN { RS = ""; FS = "\n" } { f = ""; for (i = 1; i <= NF; i += 2)
	f = f " " $i; print f }' "$W/ft" >"$W/ft.fn"
awk '/^0x/ { if (n++) print f; f = ""; next } /:/ { next }
	{ f = f " " $0 } END { print f }' "$W/a2l" >"$W/a2l.fn"
same_a2l=$(paste -d '|' "$W/ft.fn" "$W/a2l.fn" | awk -F'|' '$1 == $2' | wc -l)

printf '%-16s %8s s   same answers\n' tool time
printf '%-16s %8s s   -\n' fttriage "$ft"
printf '%-16s %8s s   %d/%d (function, file, line, column, inlines)\n' \
    llvm-symbolizer "$llvm" "$same_llvm" "$N"
printf '%-16s %8s s   %d/%d (function names of the inline chain)\n' \
    addr2line "$a2l" "$same_a2l" "$N"
awk -v f=$ft -v l=$llvm -v a=$a2l 'BEGIN {
	b = l < a ? l : a
	printf "fttriage is %.1fx faster than llvm-symbolizer, %.1fx than addr2line, %.1fx than the faster\n", l / f, a / f, b / f }'

# One report of 30 frames in three modules, cold: a new process each time.
libc=/lib/x86_64-linux-gnu/libc.so.6
libm=/lib/x86_64-linux-gnu/libm.so.6
{
	echo "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x1"
	i=0
	for a in $(sed -n '1,20p' "$W/addrs"); do
		echo "    #$i 0x7f0000000000  ($LIB+$a)"; i=$((i + 1))
	done
	for a in 0x27249 0x27304 0x8b3a0 0x9a0d1 0x2a210; do
		echo "    #$i 0x7f0000000000  ($libc+$a)"; i=$((i + 1))
	done
	for a in 0x1a000 0x1b100 0x20000 0x25000 0x30000; do
		echo "    #$i 0x7f0000000000  ($libm+$a)"; i=$((i + 1))
	done
	echo "SUMMARY: AddressSanitizer: heap-use-after-free"
} >"$W/report"
R=10
t0=$(now)
for k in $(seq $R); do "$FT" symbolize <"$W/report" >"$W/out" 2>/dev/null; done
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
echo "  frames filled in: $(grep -c ' in ' "$W/out")/30"
