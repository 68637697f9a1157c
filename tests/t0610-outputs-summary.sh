#!/bin/sh
# t0610-outputs-summary: "summary" over a store fed with real TSan runs
# and corpus logs: counts, what is new since the previous run,
# regressions, grouping by whose code, tests, rules with fix and link,
# suppression lines that really silence TSan; every format valid;
# --fail-on; "suppressions".
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/outputs-lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
	t_skip "python3 is needed to check the documents"
	t_done
	exit
fi
if ! o_tsan_build; then
	sed 's/^/# /' "$T/cc.err"
	t_skip "$CC cannot build ThreadSanitizer programs here"
	t_done
	exit
fi

# sj EXPR: evaluate a Python expression over the summary JSON in $T/out
# (bound to d).
sj() {
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" \
	    "$T/out"
}

# Run 1: the three racy programs.
o_racy_log "$T/run1.log"
"$FTTRIAGE" scan --project racy "$T/run1.log" >/dev/null 2>&1
t_run "$FTTRIAGE" summary --project racy --format json
t_is "$t_rc" 0 "summary --format json exits 0"
t_is "$(sj "d['counts']['issues'], d['counts']['new'], d['counts']['regressions']")" \
    "3 3 0" "run 1: three issues, all new"
t_is "$(sj "' '.join(sorted(i['kind'] + '=' + str(i['suppression']) for i in d['issues']))")" \
    "tsan-data-race=race_top:bump_counter tsan-lock-order-inversion=deadlock:lock_ab tsan-thread-leak=thread:start_worker" \
    "a suppression line that fits each kind"
t_is "$(sj "' '.join(sorted(t['test'] for i in d['issues'] for t in i['tests']))")" \
    "tests/test_outputs.py::test_deadlock tests/test_outputs.py::test_leak tests/test_outputs.py::test_race" \
    "each issue names the test that triggered it"
t_is "$(sj "sorted(set(i['owner'] for i in d['issues']))")" "['project']" \
    "the racy program's own code is the project's"
line=$(grep -n 'counter++' "$OPROGS/racy.c" | cut -d: -f1)
t_is "$(sj "[(i['culprit']['function'], i['culprit']['line']) for i in d['issues'] if i['kind'] == 'tsan-data-race'][0]")" \
    "('bump_counter', $line)" "the race's culprit frame with its line"
t_ok "$(sj "all(i['sample'] and i['first_seen'] > 0 and i['last_seen'] >= i['first_seen'] and i['occurrences'] == 1 for i in d['issues'])" |
    grep -qx True; echo $?)" "samples, first and last seen, occurrences"

# Run 2: the same problems again: nothing new.
sleep 1
o_racy_log "$T/run2.log"
"$FTTRIAGE" scan --project racy "$T/run2.log" >/dev/null 2>&1
t_run "$FTTRIAGE" summary --project racy --format json
t_is "$(sj "d['counts']['issues'], d['counts']['new'], [i['occurrences'] for i in d['issues']]")" \
    "3 0 [2, 2, 2]" "run 2: the same three issues, none new, seen twice"
t_ok "$(sj "d['previous_run'] > 0 and d['last_run'] > d['previous_run']" |
    grep -qx True; echo $?)" "the latest and the previous run are known"
t_run "$FTTRIAGE" summary --project racy --fail-on new
t_is "$t_rc" 0 "--fail-on new: nothing new, exit 0"
t_run "$FTTRIAGE" summary --project racy --fail-on any
t_is "$t_rc" 1 "--fail-on any: open issues, exit 1"

# The race is fixed, then comes back: a regression.
"$FTTRIAGE" summary --project racy --format json >"$T/out"
race=$(sj "[i['id'] for i in d['issues'] if i['kind'] == 'tsan-data-race'][0]")
"$FTTRIAGE" triage "$race" fixed >/dev/null
# Fixed and not seen since: no annotation, no SARIF result, a passed test.
"$FTTRIAGE" summary --project racy --format github >"$T/fixed.gh"
t_is "$(wc -l <"$T/fixed.gh" | tr -d ' '):$(grep -c bump_counter "$T/fixed.gh")" \
    "2:0" "github: the fixed race is not annotated"
"$FTTRIAGE" summary --project racy --format sarif >"$T/fixed.sarif"
o_check_sarif "$T/fixed.sarif"
t_is "$(wc -l <"$T/sarif.lines" | tr -d ' '):$(grep -c tsan-data-race "$T/sarif.lines")" \
    "2:0" "SARIF: the fixed race is no result"
"$FTTRIAGE" summary --project racy --format junit >"$T/fixed.xml"
t_is "$(python3 -c '
import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
c = r.findall("./testsuite/testcase")
print(len(c), r.get("failures"), sum(x.find("failure") is None for x in c))' "$T/fixed.xml")" \
    "3 2 1" "JUnit: the fixed race is a passing test case"
sleep 1
o_racy_log "$T/run3.log"
"$FTTRIAGE" scan --project racy "$T/run3.log" >/dev/null 2>&1
t_run "$FTTRIAGE" summary --project racy --format json --fail-on new
t_is "$t_rc" 1 "--fail-on new: a regression fails"
t_is "$(sj "d['counts']['new'], d['counts']['regressions'], [i['id'] for i in d['issues'] if i['regression']]")" \
    "0 1 [$race]" "run 3: the race is a regression, nothing new"
t_run "$FTTRIAGE" summary --project racy
t_ok "$(grep -q '(regression)' "$T/out"; echo $?)" "text: the regression is marked"

# Triaged: known and upstream become a suppressions file that TSan obeys.
"$FTTRIAGE" summary --project racy --format json >"$T/out"
for id in $(sj "' '.join(str(i['id']) for i in d['issues'])"); do
	"$FTTRIAGE" triage "$id" known >/dev/null
done
"$FTTRIAGE" triage "$race" upstream >/dev/null
t_run "$FTTRIAGE" suppressions --project racy
t_is "$t_rc" 0 "suppressions exits 0"
cp "$T/out" "$T/supp"
t_is "$(grep -v '^#' "$T/supp" | sort | tr '\n' ' ')" \
    "deadlock:lock_ab race_top:bump_counter thread:start_worker " \
    "suppressions: one line per known or upstream issue"
t_is "$(grep -c '^# issue [0-9]* (\(known\|upstream\), tsan-' "$T/supp")" 3 \
    "suppressions: each line follows a comment with its issue and title"
o_racy_log "$T/quiet.log" "suppressions=$T/supp"
t_is "$(grep -c 'WARNING: ThreadSanitizer' "$T/quiet.log")" 0 \
    "TSan itself reports nothing with the written suppressions"
t_run "$FTTRIAGE" summary --project racy --fail-on any
t_is "$t_rc" 0 "--fail-on any: triaged issues do not fail"

# Corpus logs in other projects: rules with fix and link, CPython's code.
"$FTTRIAGE" scan --project uvloop --format json \
    "$CORPUS/025-uvloop-cython-pyx-vectorcallfunc-build-error.log" \
    >"$T/uvloop.json" 2>"$T/uvloop.err"
sed 's/^/# /' "$T/uvloop.err"
"$FTTRIAGE" scan --project cpython \
    "$CORPUS/040-cpython-tracemalloc-four-tsan-reports-macos.log" >/dev/null 2>&1
t_run "$FTTRIAGE" summary --project uvloop --format markdown
cp "$T/out" "$T/uvloop.md"
python3 "$OPROGS/check-markdown.py" "$T/uvloop.md"
t_ok $? "markdown summary is safe to paste"
t_ok "$(grep -q '^- \*\*Rule\*\* `cython-too-old-vectorcallfunc`: .*\*\*Fix:\*\* Build with Cython 3\.1.* See \[https://' "$T/uvloop.md"; echo $?)" \
    "markdown: the matched rule with its fix and link"
t_ok "$(grep -q '^### This project' "$T/uvloop.md" &&
    ! grep -q 'racy' "$T/uvloop.md"; echo $?)" \
    "markdown: only the project's issues, grouped by whose code"
t_run "$FTTRIAGE" summary --project cpython --format json
t_is "$(sj "d['counts']['issues'], d['counts']['cpython']")" "3 3" \
    "040: three races, all in CPython's code"
t_run "$FTTRIAGE" summary --format json
t_is "$(sj "d['counts']['issues'], d['counts']['new']")" "7 4" \
    "every project: seven issues, new counted per project"
t_run "$FTTRIAGE" summary --format json --since 2099-01-01
t_is "$(sj "d['counts']['issues']")" 0 "--since filters by last seen"

# The CI formats from the store.
t_run "$FTTRIAGE" summary --project uvloop --format sarif
cp "$T/out" "$T/s.sarif"
o_check_sarif "$T/s.sarif"
t_ok $? "summary SARIF passes the checks"
t_ok "$(grep -q '^cython-too-old-vectorcallfunc|uvloop/loop.c|4543|v1:' "$T/sarif.lines"; echo $?)" \
    "summary SARIF: the rule's id, the culprit's file and line"
t_ok "$(grep -q '"helpUri": "https://py-free-threading.github.io/faq/"' "$T/s.sarif"; echo $?)" \
    "summary SARIF: the rule's link as helpUri"
t_run "$FTTRIAGE" summary --format sarif
cp "$T/out" "$T/all.sarif"
o_check_sarif "$T/all.sarif"
t_is "$(python3 -c '
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
print(sum(1 for r in run["results"] if r.get("suppressions", [{}])[0].get("status") == "accepted"))' "$T/all.sarif")" \
    3 "SARIF: triaged issues carry an accepted suppression"
t_run "$FTTRIAGE" summary --format junit
cp "$T/out" "$T/s.xml"
o_check_xml "$T/s.xml"
t_ok $? "summary JUnit is well-formed"
t_is "$(python3 -c '
import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
c = r.findall("./testsuite/testcase")
print(len(c), sum(x.find("skipped") is not None for x in c))' "$T/s.xml")" \
    "7 3" "JUnit: triaged issues are skipped test cases"
t_run "$FTTRIAGE" summary --project uvloop --format github
t_ok "$(grep -q '^::error file=uvloop/loop.c,line=4543,title=fttriage%3A error%3A unknown type name' "$T/out"; echo $?)" \
    "github: the build error at its file and line"
t_run "$FTTRIAGE" summary --format yaml
t_is "$t_rc" 2 "an unknown format is a usage error"
t_run "$FTTRIAGE" summary --fail-on maybe
t_is "$t_rc" 2 "a bad --fail-on is a usage error"

t_done
