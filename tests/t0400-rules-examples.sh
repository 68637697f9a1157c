#!/bin/sh
# Every shipped rule loads without error, and every example of every rule
# matches (match:) or does not match (no-match:) through the whole pipeline.
. "$top_srcdir/tests/lib.sh"
export XDG_CONFIG_HOME="$T/config"	# no rules of the user running the tests

export FTTRIAGE_RULES_DIR="$top_srcdir/rules"

t_run "$FTTRIAGE" rules check
t_is "$t_rc" 0 "rules check: shipped rules are valid"
[ -s "$T/err" ]
t_ok $((! $?)) "rules check prints no error"

t_run "$FTTRIAGE" rules test
t_is "$t_rc" 0 "rules test: every example does what it says"
grep '^[^#].*: rule ' "$T/out" | sed 's/^/# /'
n=$(sed -n 's/^\([0-9]*\) rules, \([0-9]*\) examples, 0 failed$/\1/p' "$T/out")
[ "${n:-0}" -ge 60 ]
t_ok $? "at least 60 rules are tested (${n:-0})"

t_run "$FTTRIAGE" rules list
t_is "$(wc -l <"$T/out" | tr -d ' ')" "${n:-0}" "rules list shows every rule"
grep -q '^gil-reenabled-on-import  *error  *line ' "$T/out"
t_ok $? "rules list shows id, severity and type"

# Each rule names at least one documentation link and both kinds of example.
for f in "$top_srcdir"/rules/*.rules; do
	awk '/^rule:/ { if (id != "" && (!l || !m || !n)) print FILENAME ": " id;
	    id = $2; l = m = n = 0 }
	    /^link: https?:/ { l = 1 } /^match:/ { m = 1 } /^no-match:/ { n = 1 }
	    END { if (id != "" && (!l || !m || !n)) print FILENAME ": " id }' \
	    "$f"
done >"$T/incomplete"
t_is "$(cat "$T/incomplete")" "" "every rule has a link, a match and a no-match"

# A test that must fail: a rule whose example does not match.
cat >"$T/bad.rules" <<'R'
rule: cython-too-old-vectorcallfunc
title: replaced
severity: note
line: __pyx_vectorcallfunc
explain: x
fix: y
link: https://example.org/
match: this line does not name the typedef at all
no-match: nothing
R
t_run "$FTTRIAGE" rules -R "$T/bad.rules" test cython-too-old-vectorcallfunc
t_is "$t_rc" 1 "a failing example makes rules test fail"
grep -q "bad.rules:8: rule 'cython-too-old-vectorcallfunc': example does not match" "$T/out"
t_ok $? "the failure names the file and line of the example"

t_done
