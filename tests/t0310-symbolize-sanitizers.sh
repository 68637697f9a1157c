#!/bin/sh
# fttriage symbolize on real sanitizer output: a racy program and a racy
# plug-in loaded with dlopen (an extension module's situation) run under
# ThreadSanitizer with symbolize=0, filled in by fttriage, must show the
# frames ThreadSanitizer prints when it symbolizes itself; the same for an
# AddressSanitizer use-after-free.  Everything else stays byte-identical.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

P="$top_srcdir/tests/progs/symbolize"

# run LOG CMD...: run a sanitized program, retrying without ASLR when the
# runtime refuses the memory layout.
run() {
	log=$1
	shift
	"$@" >/dev/null 2>"$log"
	if grep -q 'FATAL: ThreadSanitizer\|personality' "$log" &&
	    command -v setarch >/dev/null 2>&1; then
		setarch "$(uname -m)" -R "$@" >/dev/null 2>"$log"
	fi
}

# frames LOG: the frame lines of our modules, pcs dropped, without the
# frames the sanitizer itself removes once it can name them.
frames() {
	grep -E '^ +#[0-9]+ ' "$1" | grep -E "$mods" |
	    grep -v '__tsan_thread_start_func' |
	    sed -E 's/#([0-9]+) 0x[0-9a-f]+ /#\1 /'
}

if ! command -v llvm-symbolizer >/dev/null 2>&1; then
	t_skip "llvm-symbolizer missing: the sanitizers cannot symbolize"
	t_done
	exit
fi

for cc in clang gcc; do
	if ! command -v $cc >/dev/null 2>&1; then
		t_skip "$cc missing"
		continue
	fi
	d="$T/$cc"
	mkdir -p "$d"
	if ! $cc -fsanitize=thread -g -O1 -fPIC -shared "$P/racy_ext.c" \
	    -o "$d/libracy_ext.so" 2>/dev/null ||
	    ! $cc -fsanitize=thread -g -O1 "$P/racy.c" -o "$d/racy" \
	    -ldl -lpthread 2>/dev/null; then
		t_skip "$cc cannot build with -fsanitize=thread"
		continue
	fi
	TSAN_OPTIONS=symbolize=0 run "$d/raw.log" "$d/racy" "$d/libracy_ext.so"
	TSAN_OPTIONS=symbolize=1 run "$d/sym.log" "$d/racy" "$d/libracy_ext.so"
	n=$(grep -c '<null> <null> (racy+' "$d/raw.log")
	t_ok $([ "$n" -gt 0 ]; echo $?) "$cc TSan: unsymbolized frames to fill ($n)"

	"$FTTRIAGE" symbolize --symbols "$d" <"$d/raw.log" >"$d/out.log" \
	    2>"$T/err"
	t_is "$?" 0 "$cc TSan: symbolize exits 0"
	mods='\((racy|libracy_ext\.so)\+0x'
	# Threads finish in any order: compare the frames as sets.
	frames "$d/sym.log" | sort >"$T/want"
	frames "$d/out.log" | sort >"$T/got"
	if [ $cc = gcc ]; then
		# GCC's runtime symbolizes with libbacktrace: no columns.
		sed -E 's/(:[0-9]+):[0-9]+ \(/\1 (/' "$T/got" >"$T/got2"
		mv "$T/got2" "$T/got"
	fi
	t_ok $([ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; echo $?) \
	    "$cc TSan: frames as TSan symbolizes them ($(wc -l <"$T/want"))"
	cmp -s "$T/want" "$T/got" || diff "$T/want" "$T/got" | head | sed 's/^/# /'
	t_ok $(grep -q 'cache_store .*racy_ext.c:8' "$d/out.log"; echo $?) \
	    "$cc TSan: the plug-in's inlined frame is found"

	# Lines that are not frames are untouched.
	grep -vE '^ +#[0-9]+ ' "$d/raw.log" >"$T/want"
	grep -vE '^ +#[0-9]+ ' "$d/out.log" >"$T/got"
	t_ok $(cmp -s "$T/want" "$T/got"; echo $?) \
	    "$cc TSan: every other line byte-identical"

	# Without --symbols, the full paths of the SUMMARY lines suffice, for
	# every report of the log.
	"$FTTRIAGE" symbolize <"$d/raw.log" >"$d/out2.log" 2>/dev/null
	t_ok $(cmp -s "$d/out.log" "$d/out2.log"; echo $?) \
	    "$cc TSan: SUMMARY paths find the modules without --symbols"

	# A plug-in loaded by a relative path is named by basename only.
	(cd "$d" && TSAN_OPTIONS=symbolize=0 run "$d/rel.log" ./racy \
	    ./libracy_ext.so)
	"$FTTRIAGE" symbolize <"$d/rel.log" >"$d/out3.log" 2>/dev/null
	t_ok $(grep -q '<null> <null> (libracy_ext.so+' "$d/out3.log"; echo $?) \
	    "$cc TSan: a module known by basename alone is left as printed"
	"$FTTRIAGE" symbolize --symbols "$d" <"$d/rel.log" >"$d/out3.log"
	t_ok $(grep -q 'cache_store .*racy_ext.c:8' "$d/out3.log"; echo $?) \
	    "$cc TSan: --symbols finds it by basename"
done

# AddressSanitizer: full paths in frames, pc in front.
d="$T/asan"
mkdir -p "$d"
if clang -fsanitize=address -g -O1 "$P/uaf.c" -o "$d/uaf" 2>/dev/null; then
	ASAN_OPTIONS=symbolize=0 run "$d/raw.log" "$d/uaf"
	ASAN_OPTIONS=symbolize=1 run "$d/sym.log" "$d/uaf"
	"$FTTRIAGE" symbolize <"$d/raw.log" >"$d/out.log" 2>"$T/err"
	mods='uaf'
	frames "$d/sym.log" >"$T/want"
	frames "$d/out.log" >"$T/got"
	t_ok $([ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; echo $?) \
	    "ASan: frames as ASan symbolizes them ($(wc -l <"$T/want"))"
	cmp -s "$T/want" "$T/got" || diff "$T/want" "$T/got" | head | sed 's/^/# /'
	t_ok $(grep -q '#0 0x[0-9a-f]* in peek .*uaf.c:12' "$d/out.log" &&
	    grep -q '#1 0x[0-9a-f]* in use_after_free .*uaf.c:2' "$d/out.log"
	    echo $?) "ASan: the inlined frame is expanded and renumbered"
else
	t_skip "clang cannot build with -fsanitize=address"
fi

# A frame line cut by a missing newline at the end still passes through.
printf '    #0 <null> <null> (nosuch.so+0x10)' >"$T/cut.log"
"$FTTRIAGE" symbolize "$T/cut.log" >"$T/got" 2>/dev/null
t_ok $(cmp -s "$T/cut.log" "$T/got"; echo $?) "an unknown module's frame is copied as is"

t_done
