#!/bin/sh
# Rule file errors are reported as file:line: message; user rules replace
# shipped rules with the same id; extra rule paths come from -R/--rules.
. "$top_srcdir/tests/lib.sh"
export XDG_CONFIG_HOME="$T/config"	# no rules of the user running the tests

export FTTRIAGE_RULES_DIR="$top_srcdir/rules"

cat >"$T/errors.rules" <<'R'
# line 1
rule: bad-regex
title: t
severity: warning
line: foo(bar
explain: e
fix: f
link: https://example.org/
match: foo(bar
no-match: baz

rule: unknown-key
title: t
severity: warning
colour: blue
line: something long
explain: e
fix: f
link: https://example.org/
match: something long
no-match: baz

rule: missing-fix
title: t
severity: warning
line: missing fix here
explain: e
link: https://example.org/
match: missing fix here
no-match: baz

rule: dup
title: t
severity: warning
line: duplicate one
explain: e
fix: f
link: https://example.org/
match: duplicate one
no-match: baz

rule: dup
title: t
severity: warning
line: duplicate two
explain: e
fix: f {nosuchgroup}
link: https://example.org/
match: duplicate two
no-match: baz

rule: no-literal
title: t
severity: note
line: \d+\s\w+
explain: e
fix: f
link: https://example.org/
match: 12 ab
no-match: baz
R
t_run "$FTTRIAGE" rules -n check "$T/errors.rules"
t_is "$t_rc" 2 "rules check fails on a bad file"
grep -q "errors.rules:5: line: bad regex at offset 7: missing closing parenthesis" "$T/err"
t_ok $? "bad regex: file, line and offset"
grep -q "errors.rules:15: unknown key 'colour'" "$T/err"
t_ok $? "unknown key"
grep -q "errors.rules:23: rule 'missing-fix' has no 'fix'" "$T/err"
t_ok $? "missing field"
grep -q "errors.rules:47: rule 'dup': fix: unknown variable '{nosuchgroup}'" "$T/err"
t_ok $? "template variable that nothing captures"
grep -q "errors.rules:52: rule 'no-literal': cannot find a literal" "$T/err"
t_ok $? "line rule without a literal for the prefilter"

# A duplicate id within one load is an error, with both places.
sed -n '/^rule: dup/,$p' "$T/errors.rules" | sed 's/ {nosuchgroup}//' |
    sed '/^rule: no-literal/,$d' >"$T/dup.rules"
t_run "$FTTRIAGE" rules -n check "$T/dup.rules"
grep -q "dup.rules:11: duplicate rule id 'dup' (first at .*dup.rules:1)" "$T/err"
t_ok $? "duplicate id"

t_run "$FTTRIAGE" rules -n check "$T/nonexistent.rules"
t_is "$t_rc" 2 "a missing file is an error"
grep -q "nonexistent.rules" "$T/err"
t_ok $? "the error names the missing file"

# A user rule with a shipped id replaces it, in scan too.
mkdir "$T/mine"
cat >"$T/mine/local.rules" <<'R'
rule: gil-reenabled-on-import
title: local policy for {module}
severity: warning
line: has been enabled to load module '(?<module>[^']+)'
explain: local
fix: ask the platform team about {module}
link: https://example.org/policy
match: RuntimeWarning: The global interpreter lock (GIL) has been enabled to load module 'x', which
no-match: nothing
R
t_run "$FTTRIAGE" rules -R "$T/mine" list
t_is "$(grep -c '^gil-reenabled-on-import ' "$T/out")" 1 "the id is listed once"
grep -q '^gil-reenabled-on-import  *warning  *line  *local policy' "$T/out"
t_ok $? "the user rule replaced the shipped one"
t_run "$FTTRIAGE" scan --rules "$T/mine" "$CORPUS/013-time-machine-tox-gil-warning.log"
grep -q "ask the platform team about _time_machine" "$T/out"
t_ok $? "scan --rules uses the replacing rule"
t_run "$FTTRIAGE" scan --rules "$T/errors.rules" "$CORPUS/013-time-machine-tox-gil-warning.log"
t_is "$t_rc" 2 "scan refuses a broken rules file"
# The user's configuration directory is read after the shipped rules.
mkdir -p "$XDG_CONFIG_HOME/fttriage/rules"
sed 's/ask the platform team/ask the user config/' "$T/mine/local.rules" \
    >"$XDG_CONFIG_HOME/fttriage/rules/user.rules"
t_run "$FTTRIAGE" scan "$CORPUS/013-time-machine-tox-gil-warning.log"
grep -q "ask the user config about _time_machine" "$T/out"
t_ok $? "a rule in ~/.config/fttriage/rules replaces the shipped one"
t_run "$FTTRIAGE" rules list
grep -q '^gil-reenabled-on-import  *warning  *line  *local policy' "$T/out"
t_ok $? "rules list shows the configured rule"
rm -r "$XDG_CONFIG_HOME/fttriage"

t_run "$FTTRIAGE" scan --no-rules "$CORPUS/013-time-machine-tox-gil-warning.log"
grep -q "rule " "$T/out"
t_ok $((! $?)) "scan --no-rules matches no rule"

t_done
