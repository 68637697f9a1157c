#!/bin/sh
# t0560-store-group: real ThreadSanitizer reports, compiled and run here,
# group into one issue per real problem: both orders of one race, two
# builds with different addresses and line numbers, symbolized and
# unsymbolized copies; different races stay apart.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/store-lib.sh"

if ! st_tsan_cc; then
	t_skip "$CC cannot build and run -fsanitize=thread programs here"
	t_done
	exit 0
fi
st_build pair race-pair.c || { cat "$T/cc.err"; exit 1; }
st_build pair-padded race-pair.c -DPADDED || { cat "$T/cc.err"; exit 1; }
st_build other race-other.c || { cat "$T/cc.err"; exit 1; }

# TSan exits 66 after reporting; the log is what matters.
export TSAN_OPTIONS="exitcode=0"
"$T/pair" store >"$T/store-first.log" 2>&1
"$T/pair" bump >"$T/bump-first.log" 2>&1
"$T/pair-padded" store >"$T/padded.log" 2>&1
"$T/other" >"$T/other.log" 2>&1
TSAN_OPTIONS="exitcode=0 symbolize=0" "$T/pair" bump >"$T/raw.log" 2>&1

t_is "$(grep -c '^WARNING: ThreadSanitizer: data race' "$T/store-first.log")" \
    1 "race-pair reports one race"
t_ok "$(sed -n '/Previous/,/#0/p' "$T/store-first.log" | grep -q store_value &&
    sed -n '/Previous/,/#0/p' "$T/bump-first.log" | grep -q bump_value;
    echo $?)" "the two runs report the race in opposite orders"
a=$(sed -n 's/.*#0 bump_value .*:\([0-9]*\) (pair+\(0x[0-9a-f]*\)).*/\1 \2/p' \
    "$T/store-first.log")
b=$(sed -n 's/.*#0 bump_value .*:\([0-9]*\) (pair-padded+\(0x[0-9a-f]*\)).*/\1 \2/p' \
    "$T/padded.log")
t_ok "$([ -n "$a" ] && [ -n "$b" ] && [ "${a% *}" != "${b% *}" ] &&
    [ "${a#* }" != "${b#* }" ]; echo $?)" \
    "the padded build moves lines and addresses ($a / $b)"

# Both orders of one race: one issue.
"$FTTRIAGE" scan --project race "$T/store-first.log" >/dev/null 2>&1
"$FTTRIAGE" scan --project race "$T/bump-first.log" >/dev/null 2>&1
t_is "$(st_issue_counts "$DB")" "2" "the two orders of one race are one issue"

# Two builds, different addresses and line numbers: still one issue.
"$FTTRIAGE" scan --project race "$T/padded.log" >/dev/null 2>&1
t_is "$(st_issue_counts "$DB")" "3" "two builds of one race are one issue"

# Different races: different issues.
"$FTTRIAGE" scan --project race "$T/other.log" >/dev/null 2>&1
n_other=$(grep -c '^WARNING: ThreadSanitizer: data race' "$T/other.log")
t_is "$n_other" 2 "race-other reports two races"
t_is "$(st_issue_counts "$DB")" "1 1 3" \
    "different races are different issues"

# Symbolized and unsymbolized copies of one race: one issue, once the
# unsymbolized copy has been through the symbolizer.
t_ok "$(grep -q '#0 <null> <null> (pair+0x' "$T/raw.log"; echo $?)" \
    "symbolize=0 gives unsymbolized frames"
if "$FTTRIAGE" help symbolize >/dev/null 2>&1; then
	"$FTTRIAGE" symbolize --symbols "$T" <"$T/raw.log" \
	    >"$T/raw-symbolized.log" 2>"$T/sym.err"
	"$FTTRIAGE" scan --project race "$T/raw-symbolized.log" \
	    >/dev/null 2>&1
	t_is "$(st_issue_counts "$DB")" "1 1 4" \
	    "symbolized and unsymbolized copies are one issue"
else
	t_skip "fttriage symbolize does not exist yet"
fi

# scan's own symbolize stage does the same; without it the copies stay
# apart (so the grouping above is the symbolizer's doing).
if "$FTTRIAGE" scan --no-symbolize --no-store </dev/null >/dev/null 2>&1; then
	"$FTTRIAGE" scan --db "$T/sym.db" --project race "$T/raw.log" \
	    "$T/store-first.log" >/dev/null 2>&1
	t_is "$(st_issue_counts "$T/sym.db")" "2" \
	    "scan symbolizes the unsymbolized copy into the same issue"
	"$FTTRIAGE" scan --no-symbolize --db "$T/nosym.db" --project race \
	    "$T/raw.log" "$T/store-first.log" >/dev/null 2>&1
	t_is "$(st_issue_counts "$T/nosym.db")" "1 1" \
	    "with --no-symbolize the unsymbolized copy is an issue of its own"
else
	t_skip "scan has no symbolize stage yet"
fi

# The stored culprit and sample name the racing function.
id=$("$FTTRIAGE" issues --format json | grep '"count":[34],' |
    sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
"$FTTRIAGE" show "$id" >"$T/show"
t_ok "$(grep -q 'bump_value\|store_value' "$T/show" &&
    grep -q '^occurrences' "$T/show"; echo $?)" \
    "show names the racing functions"

t_done
