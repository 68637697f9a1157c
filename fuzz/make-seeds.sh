#!/bin/sh
# fuzz/make-seeds.sh: build the fuzzers' seed directories from the tree.
#
#   fuzz/make-seeds.sh SRCDIR OUTDIR [CC]
#
# OUTDIR/<harness>/ gets small starting inputs: whole logs for the scanner,
# single frame lines for the frame parsers, rule files, configuration
# files, and small ELF objects with DWARF 4 and 5 compiled here with CC.
# Every saved crash under SRCDIR/fixtures/fuzz-regressions/<harness>/ is a
# seed too.  Nothing here is committed: seeds are rebuilt on demand.
set -eu
src=$1
out=$2
cc=${3:-cc}

mkdir -p "$out/scan" "$out/frame" "$out/rules" "$out/config" "$out/elf" \
    "$out/sieve"

# seed DIR FILE...: copy files into a seed dir, skipping missing ones.
seed() {
	d=$1
	shift
	for f in "$@"; do
		[ -f "$f" ] && cp "$f" "$out/$d/" || :
	done
}

seed scan "$src"/fixtures/*.log "$src"/fixtures/corpus/*.log \
    "$src"/fixtures/messy/* 2>/dev/null
# The sieve reads the same logs.
seed sieve "$src"/fixtures/*.log "$src"/fixtures/corpus/*.log 2>/dev/null

# One seed per distinct frame-looking line (capped: the mutator does the
# rest).
cat "$src"/fixtures/*.log "$src"/fixtures/corpus/*.log 2>/dev/null |
    grep -aE '^[[:space:]]*(\* )?(frame )?#[0-9]+|File "|Binary file "' |
    sed 's/^[^#F]*\(#\|File\|Binary\)/\1/' | sort -u | head -400 |
    awk -v d="$out/frame" '{ f = sprintf("%s/line-%04d", d, NR);
	printf "%s", $0 > f; close(f) }'

seed rules "$src"/rules/*.rules "$src"/fixtures/rules/* 2>/dev/null
seed config "$src"/fixtures/config/* "$src"/fixtures/*.conf 2>/dev/null
if [ -z "$(ls "$out/config")" ]; then
	printf '# fttriage.conf\nwatch /var/log/tsan\nproject numpy /ci/numpy-*\nsymbols /opt/debug\nrules /etc/fttriage/rules.d\nignore *.gz\nstore /var/lib/fttriage/db\nidle 5\nlog-level info\n' \
	    >"$out/config/every-directive"
fi

# Small real binaries with debug information for the ELF/DWARF reader.
cat >"$out/elf-seed.c" <<'EOF'
#include <stdio.h>
static inline int twice(int x) { return 2 * x; }
struct pt { int x, y; };
int work(struct pt *p) { return twice(p->x) + p->y; }
int main(int argc, char **argv) { struct pt p = { argc, 1 };
	(void)argv; printf("%d\n", work(&p)); return 0; }
EOF
for v in 4 5; do
	$cc -g -gdwarf-$v -O1 -o "$out/elf/dwarf$v" "$out/elf-seed.c" \
	    2>/dev/null || :
	$cc -g -gdwarf-$v -O1 -fPIC -shared -o "$out/elf/dwarf$v.so" \
	    "$out/elf-seed.c" 2>/dev/null || :
done
rm -f "$out/elf-seed.c"

for h in scan frame rules config elf; do
	if [ -d "$src/fixtures/fuzz-regressions/$h" ]; then
		for f in "$src/fixtures/fuzz-regressions/$h"/*; do
			[ -f "$f" ] && cp "$f" "$out/$h/" || :
		done
	fi
done
exit 0
