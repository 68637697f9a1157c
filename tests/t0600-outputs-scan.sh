#!/bin/sh
# t0600-outputs-scan: scan --format sarif|github|junit|markdown on the
# real TSan output of racy programs built here: one result per distinct
# fingerprint, located at the culprit frame, valid documents; --fail-on.
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
o_racy_log "$T/racy.log"
# The same three problems again, as a second process would print them.
o_racy_log "$T/racy2.log"
cat "$T/racy.log" "$T/racy2.log" >"$T/both.log"
t_is "$(grep -c '^WARNING: ThreadSanitizer' "$T/both.log")" 6 \
    "the racy programs print six TSan reports"

# What the JSON stream says: fingerprints and culprit lines per kind.
"$FTTRIAGE" scan --no-store --format json "$T/both.log" >"$T/scan.json" \
    2>/dev/null
python3 - "$T/scan.json" >"$T/expect" <<'PY'
import json, sys
seen = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["fingerprint"] in seen:
        continue
    c = r["culprit"]
    f = r["stacks"][c["stack"]]["frames"][c["frame"]]
    seen[r["fingerprint"]] = "%s|%s|%s|%s" % (r["kind"], f["function"],
                                            f["line"], r["fingerprint"])
for v in sorted(seen.values()):
    print(v)
PY
t_is "$(wc -l <"$T/expect" | tr -d ' ')" 3 \
    "six reports are three distinct fingerprints"

# SARIF: valid, one result per fingerprint, at the culprit's file:line.
t_run "$FTTRIAGE" scan --no-store --format sarif "$T/both.log"
t_is "$t_rc" 0 "scan --format sarif exits 0"
cp "$T/out" "$T/racy.sarif"
o_check_sarif "$T/racy.sarif"
t_ok $? "SARIF passes the code-scanning checks$(o_have_jsonschema &&
    o_sarif_schema >/dev/null && echo ' and the 2.1.0 schema')"
t_is "$(wc -l <"$T/sarif.lines" | tr -d ' ')" 3 \
    "SARIF: one result per distinct fingerprint"
python3 - "$T/racy.sarif" >"$T/got" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
for res in run["results"]:
    loc = res["locations"][0]["physicalLocation"]
    fn = res["locations"][0]["logicalLocations"][0]["name"]
    print("%s|%s|%s|%s" % (res["properties"]["kind"], fn,
                           loc["region"]["startLine"],
                           res["partialFingerprints"]["fttriageIssue/v1"]))
PY
t_is "$(sort "$T/got" | tr '\n' ' ')" "$(tr '\n' ' ' <"$T/expect")" \
    "SARIF results: kind, culprit function, line and fingerprint"
t_ok "$(grep -c 'racy\.c' "$T/sarif.lines" | grep -qx 3; echo $?)" \
    "SARIF: every result points into racy.c"
t_is "$(cut -d'|' -f2 "$T/sarif.lines" | sort -u)" \
    "file://$(python3 -c 'import os,sys; print(os.path.normpath(sys.argv[1]))' "$OPROGS")/racy.c" \
    "SARIF: absolute paths are file:// URIs"
# The fingerprints do not depend on the run: a rescan gives the same.
"$FTTRIAGE" scan --no-store --format sarif "$T/racy2.log" 2>/dev/null \
    >"$T/again.sarif"
o_check_sarif "$T/again.sarif" >/dev/null
t_is "$(cut -d'|' -f4 "$T/sarif.lines" | sort | tr '\n' ' ')" \
    "$(cut -d'|' -f4 "$T/expect" | sort | tr '\n' ' ')" \
    "SARIF partialFingerprints are stable across runs"
# Rules: each result is filed under the first rule its reports matched,
# described with the rule's title, fix and link, or under its kind.
python3 - "$T/scan.json" "$T/racy.sarif" >"$T/rules" <<'PY'
import json, sys
want = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    rid = r["rules"][0]["id"] if r["rules"] else "fttriage/" + r["kind"]
    link = r["rules"][0].get("link") if r["rules"] else None
    want.setdefault(r["fingerprint"], (rid, link))
run = json.load(open(sys.argv[2]))["runs"][0]
rules = run["tool"]["driver"]["rules"]
ok = True
for res in run["results"]:
    rid, link = want[res["partialFingerprints"]["fttriageIssue/v1"]]
    rule = rules[res["ruleIndex"]]
    if res["ruleId"] != rid or rule["id"] != rid:
        ok = False
    if link is not None and rule.get("helpUri") != link:
        ok = False
print("ok" if ok else "mismatch", len(rules),
      sum(1 for v in want.values() if not v[0].startswith("fttriage/")))
PY
read -r verdict nrules nmatched <"$T/rules"
t_is "$verdict" ok "SARIF: each result under its first matched rule, or its kind"
t_ok "$([ "$nrules" -eq 3 ]; echo $?)" "SARIF: three rules described"
echo "# $nmatched of the three issues matched a rule file"
# $GITHUB_WORKSPACE makes paths relative to the checkout.
GITHUB_WORKSPACE=$(dirname "$OPROGS") "$FTTRIAGE" scan --no-store \
    --format sarif "$T/racy.log" >"$T/ws.sarif" 2>/dev/null
o_check_sarif "$T/ws.sarif"
t_is "$(cut -d'|' -f2 "$T/sarif.lines" | sort -u)" "outputs/racy.c" \
    "SARIF: paths under \$GITHUB_WORKSPACE are relative"
t_ok "$(grep -q '"uriBaseId": "%SRCROOT%"' "$T/ws.sarif"; echo $?)" \
    "SARIF: relative paths have uriBaseId %SRCROOT%"

# GitHub annotations: one command per issue at the culprit.
t_run "$FTTRIAGE" scan --no-store --format github "$T/both.log"
t_is "$(wc -l <"$T/out" | tr -d ' ')" 3 "github: one command per issue"
t_is "$(grep -c '^::\(error\|warning\|notice\) file=' "$T/out")" 3 \
    "github: each line is a workflow command with a file"
line=$(grep -n 'counter++' "$OPROGS/racy.c" | cut -d: -f1)
t_ok "$(grep -q "^::error file=$OPROGS/racy.c,line=$line,title=fttriage%3A data race in bump_counter::" "$T/out"; echo $?)" \
    "github: the race is annotated at racy.c:$line with an escaped title"
t_ok "$(grep -q '%0Asuppression: race_top:bump_counter%0A' "$T/out"; echo $?)" \
    "github: the message carries the suppression, newlines encoded"
t_ok "$(grep -q 'suppression: deadlock:lock_ab' "$T/out" &&
    grep -q 'suppression: thread:start_worker' "$T/out"; echo $?)" \
    "github: deadlock: and thread: suppressions for the other kinds"

# JUnit: well-formed, one test case per issue, each failed.
t_run "$FTTRIAGE" scan --no-store --format junit "$T/both.log"
cp "$T/out" "$T/racy.xml"
o_check_xml "$T/racy.xml"
t_ok $? "JUnit XML is well-formed"
python3 - "$T/racy.xml" >"$T/junit" <<'PY'
import sys, xml.etree.ElementTree as E
root = E.parse(sys.argv[1]).getroot()
cases = root.findall("./testsuite/testcase")
print(root.tag, root.get("tests"), root.get("failures"), len(cases),
      sum(1 for c in cases if c.find("failure") is not None))
for c in cases:
    f = c.find("failure")
    print(c.get("line"), "tests/test_outputs.py::test_" in f.text)
PY
t_is "$(head -1 "$T/junit")" "testsuites 3 3 3 3" \
    "JUnit: three test cases, three failures"
t_is "$(sed -n '2,$p' "$T/junit" | cut -d' ' -f2 | sort -u)" True \
    "JUnit: each failure names the pytest test that triggered it"

# Markdown from a scan: safe to paste, names the culprits.
t_run "$FTTRIAGE" scan --no-store --format markdown "$T/both.log"
cp "$T/out" "$T/racy.md"
python3 "$OPROGS/check-markdown.py" "$T/racy.md"
t_ok $? "Markdown is safe to paste"
t_is "$(grep -c '^#### ' "$T/racy.md")" 3 "Markdown: one section per issue"
t_ok "$(grep -q '`race_top:bump_counter`' "$T/racy.md"; echo $?)" \
    "Markdown: the race's suppression line"

# Every corpus log in every format: valid documents, one entry per issue.
for log in "$CORPUS"/*.log; do
	cat "$log"
done >"$T/corpus.log"
bad=""
for f in sarif github junit markdown; do
	"$FTTRIAGE" scan --no-store --format $f "$T/corpus.log" \
	    >"$T/corpus.$f" 2>"$T/corpus.err" || bad="$bad $f"
done
t_is "$bad" "" "the corpus scans in every format without error"
o_check_sarif "$T/corpus.sarif"
t_ok $? "corpus SARIF passes the checks"
n=$(wc -l <"$T/sarif.lines" | tr -d ' ')
t_ok "$([ "$n" -ge 15 ]; echo $?)" "corpus SARIF: $n results"
t_is "$(grep -c '^::' "$T/corpus.github")" "$n" \
    "corpus github: one command per SARIF result"
o_check_xml "$T/corpus.junit"
t_ok $? "corpus JUnit is well-formed"
t_is "$(grep -c '<testcase ' "$T/corpus.junit")" "$n" \
    "corpus JUnit: one test case per SARIF result"
python3 "$OPROGS/check-markdown.py" "$T/corpus.markdown"
t_ok $? "corpus Markdown is safe to paste"
t_is "$(grep -c '^#### ' "$T/corpus.markdown")" "$n" \
    "corpus Markdown: one section per SARIF result"

# --fail-on: any fails on a report, never does not, new needs the store.
t_run "$FTTRIAGE" scan --no-store --fail-on any "$T/racy.log"
t_is "$t_rc" 1 "--fail-on any: exit 1 when reports are found"
: >"$T/empty.log"
t_run "$FTTRIAGE" scan --no-store --fail-on any "$T/empty.log"
t_is "$t_rc" 0 "--fail-on any: exit 0 on a clean log"
t_run "$FTTRIAGE" scan --no-store --fail-on never "$T/racy.log"
t_is "$t_rc" 0 "--fail-on never: exit 0"
t_run "$FTTRIAGE" scan --no-store --fail-on new "$T/racy.log"
t_is "$t_rc" 2 "--fail-on new with --no-store is a usage error"
t_run "$FTTRIAGE" scan --fail-on sometimes "$T/racy.log"
t_is "$t_rc" 2 "a bad --fail-on value is a usage error"
t_run "$FTTRIAGE" scan --project racy --fail-on new "$T/racy.log"
t_is "$t_rc" 1 "--fail-on new: the first scan finds new issues"
t_run "$FTTRIAGE" scan --project racy --fail-on new "$T/racy2.log"
t_is "$t_rc" 0 "--fail-on new: the same issues from another log are not new"
t_run "$FTTRIAGE" scan --project racy --fail-on any "$T/racy2.log"
t_is "$t_rc" 1 "--fail-on any still fails on them"
# A suppressions file silences reports for the gate too: the race and
# the leak, triaged as known, give a file that silences their reports.
"$FTTRIAGE" triage 1 known >/dev/null
"$FTTRIAGE" triage 2 upstream >/dev/null
"$FTTRIAGE" suppressions --project racy >"$T/supp"
for m in race leak; do
	TSAN_OPTIONS=exitcode=0 "$T/racy" "$m" 2>&1 |
	    grep -v '^ThreadSanitizer: reported' >>"$T/two.log"
done
t_run "$FTTRIAGE" scan --no-store --suppressions "$T/supp" --fail-on any \
    "$T/two.log"
t_is "$t_rc" 0 "--fail-on any: reports the suppressions silence do not count"

# Code scanning refuses URIs with "." or ".." segments: paths are resolved.
printf '%s\n' 'WARNING: ThreadSanitizer: data race (pid=1)' \
    '  Write of size 4 at 0x1 by thread T1:' '    #0 f /a/b/../c/./x.c:3 (m+0x1)' '' \
    '  Previous read of size 4 at 0x1 by thread T2:' \
    '    #0 g ../../../../src/libsanitizer/y.cpp:5 (m+0x2)' '' \
    'SUMMARY: ThreadSanitizer: data race /a/b/../c/./x.c:3 in f' >dotdot.log
"$FTTRIAGE" scan --no-store --no-symbolize --format sarif dotdot.log >dotdot.sarif
grep -q '"uri": "file:///a/c/x.c"' dotdot.sarif &&
    ! grep -o '"uri": "[^"]*"' dotdot.sarif | grep -q '/\.\.\?/\|"\.\.\?/' 
t_ok $? "SARIF URIs hold no . or .. segments"

t_done
