#!/bin/sh
# Line rules on hostile lines: catastrophic backtracking is bounded, the
# literal prefilter finds literals anywhere in a line and in any case, and
# invalid UTF-8 does not stop a match.
. "$top_srcdir/tests/lib.sh"
export XDG_CONFIG_HOME="$T/config"	# no rules of the user running the tests

cat >"$T/h.rules" <<'R'
rule: backtrack
title: backtracking
severity: note
line: ^(\w+\s?)*$
literal: aaaa
explain: a pattern with catastrophic backtracking
fix: none
link: https://example.org/
match: aaaaaaaa
no-match: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!

rule: edge
title: edge {where}
severity: note
line: MARKER-(?<where>\w+)
explain: a literal at the start or the end of a line
fix: none
link: https://example.org/
match: MARKER-start then text
no-match: marker-lower

rule: nocase
title: nocase
severity: note
line: (?i)free-threaded wheel missing
explain: a case-insensitive rule
fix: none
link: https://example.org/
match: FREE-THREADED WHEEL MISSING
no-match: free threaded wheel missing
R

t_run "$FTTRIAGE" rules -n -R "$T/h.rules" test
t_is "$t_rc" 0 "the rules' own examples pass"
grep -q "^1 matches stopped by a limit" "$T/out"
t_ok $? "the match limit stopped the exponential no-match example"

# 60000 'a' and a '!': exponential without a limit.
awk 'BEGIN { s = "a"; while (length(s) < 60000) s = s s; print substr(s, 1, 60000) "!" }' \
    >"$T/evil.log"
start=$(date +%s)
t_run timeout 60 "$FTTRIAGE" scan --no-rules --rules "$T/h.rules" "$T/evil.log"
t_is "$t_rc" 0 "a backtracking bomb does not hang the scan"
end=$(date +%s)
[ $((end - start)) -lt 30 ]
t_ok $? "and costs little ($((end - start))s)"

{
	echo "MARKER-start and more"
	echo "$(head -c 3000 "$T/evil.log" | tr a x) MARKER-end"
	echo "marker-lower is not the marker"
	printf 'bad \377\376 bytes MARKER-utf8 \300\n'
	echo "a Free-Threaded Wheel Missing here"
	echo "MARK"
} >"$T/edges.log"
t_run "$FTTRIAGE" scan --no-rules --rules "$T/h.rules" --format json \
    "$T/edges.log"
grep -c '"id":"edge"' "$T/out" >"$T/n"
t_is "$(cat "$T/n")" 3 "a literal at the start, at the end, amid bad bytes"
grep -q '"title":"edge end"' "$T/out"
t_ok $? "the capture at the end of a long line"
grep -q '"id":"nocase"' "$T/out"
t_ok $? "a case-insensitive rule through the case-folding prefilter"
t_is "$(grep -c '"kind":"event"' "$T/out")" 4 "no event for near misses"

t_done
