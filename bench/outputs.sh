#!/bin/sh
# bench/outputs.sh [N] [DISTINCT]: how long the CI outputs take.
#
# Generates a TSan log of N reports over DISTINCT races (the store's
# generator), then times "scan --no-store" in each format (the document
# formats fold reports into issues) and, after recording the log into a
# store, "summary" in each format and "suppressions".  Run from the build
# directory: sh $srcdir/bench/outputs.sh 50000 5000
set -eu
n=${1:-50000}
d=${2:-5000}
here=$(cd "$(dirname "$0")/.." && pwd)
F=${FTTRIAGE:-./fttriage}
export FTTRIAGE_RULES_DIR="${FTTRIAGE_RULES_DIR:-$here/rules}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fttriage-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

sh "$here/tests/progs/store/gen-log.sh" "$n" "$d" >"$tmp/log"
echo "log: $n reports, $d distinct, $(wc -c <"$tmp/log") bytes"
for f in text json sarif github junit markdown; do
	/usr/bin/time -f "scan --format $f: %es, %MKB max RSS" \
	    "$F" scan --no-store --no-symbolize --format "$f" "$tmp/log" \
	    >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
	tail -1 "$tmp/err"
done
"$F" scan --db "$tmp/db" --project bench --no-symbolize "$tmp/log" \
    >/dev/null 2>&1
for f in text json markdown sarif github junit; do
	/usr/bin/time -f "summary --format $f: %es, %MKB max RSS" \
	    "$F" summary --db "$tmp/db" --project bench --format "$f" \
	    >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
	tail -1 "$tmp/err"
done
/usr/bin/time -f "suppressions: %es" "$F" suppressions --db "$tmp/db" \
    >/dev/null 2>"$tmp/err"
tail -1 "$tmp/err"
