#!/bin/sh
# t0550-store-scan: scan records into the store; a second scan of the same
# log adds nothing, a grown log adds only what is new; projects, the
# default location, browsing, triage and regressions.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/store-lib.sh"

LOG040="$CORPUS/040-cpython-tracemalloc-four-tsan-reports-macos.log"
cp "$LOG040" "$T/040.log"

# The corpus file with four reports from one process: 040's .meta says 4
# reports; reports 2 and 4 are the same race (both sides in
# _PyTraceMalloc_Start, lines 803 and 808), 1 and 3 are two other races.
t_run "$FTTRIAGE" scan --project cpython "$T/040.log"
t_is "$t_rc" 0 "scan 040 into the store"
t_is "$(st_issue_counts "$DB")" "1 1 2" \
    "040: four reports are three issues, one of them seen twice"
"$FTTRIAGE" issues --format json >"$T/issues.json"
t_is "$(grep -c '"project":"cpython"' "$T/issues.json")" 3 \
    "040: every issue belongs to project cpython"
t_ok "$(grep -q '_PyTraceMalloc_Start' "$T/issues.json"; echo $?)" \
    "040: an issue names _PyTraceMalloc_Start"

# Scanning the same log twice adds nothing, but still shows its reports.
"$FTTRIAGE" scan --format json --project cpython "$T/040.log" \
    >"$T/again.json" 2>/dev/null
t_is "$(wc -l <"$T/again.json" | tr -d ' ')" 4 \
    "the second scan still prints the four reports"
t_is "$(st_issue_counts "$DB")" "1 1 2" "second scan of 040 adds nothing"
(cd "$T" && "$FTTRIAGE" scan --project cpython ./040.log >/dev/null 2>&1)
t_is "$(st_issue_counts "$DB")" "1 1 2" \
    "nor does a scan of it under another name"
if st_have_sql; then
	t_is "$(st_sql "$DB" 'SELECT count(*) FROM reports')" 4 \
	    "four occurrences stored"
	t_is "$(st_sql "$DB" 'SELECT count(*) FROM runs')" 1 \
	    "scans that add nothing record no run"
	t_is "$(st_sql "$DB" 'SELECT version FROM schema_version')" 1 \
	    "the schema version is recorded"
	t_is "$(st_sql "$DB" 'PRAGMA journal_mode')" wal "the store uses WAL"
	# Up to the end of the last line the scanner looked at: the noise
	# after the last report may be passed over unread.
	off=$(st_sql "$DB" 'SELECT read_offset FROM sources')
	last=$(grep -n '^SUMMARY' "$T/040.log" | tail -1 | cut -d: -f1)
	t_ok "$([ "$off" -ge "$(head -n "$last" "$T/040.log" | wc -c)" ] &&
	    [ "$off" -le "$(wc -c <"$T/040.log")" ]; echo $?)" \
	    "the source records how far it was read ($off)"
	t_is "$(st_consistent "$DB")" ok "store consistent"
	cp "$DB" "$T/future.db"
	st_sql "$T/future.db" 'UPDATE schema_version SET version = 99'
	t_run "$FTTRIAGE" issues --db "$T/future.db"
	t_ok "$([ "$t_rc" -eq 2 ] &&
	    grep -q "has schema version 99, newer than" "$T/err"; echo $?)" \
	    "a store from a newer fttriage is refused, not rewritten"
else
	t_skip "no sqlite3 shell or python3 sqlite3 module to look inside"
fi

# A log that grows: only the appended reports are added.
sed -n '/^WARNING/,/^SUMMARY/p' "$LOG040" | sed -n '1,/^SUMMARY/p' \
    >"$T/one-report"
cat "$T/one-report" >>"$T/040.log"
"$FTTRIAGE" scan --project cpython "$T/040.log" >/dev/null 2>&1
t_is "$(st_issue_counts "$DB")" "1 2 2" \
    "a grown log adds only its new report"

# A replaced log (new content at the same path) is a new source.
cp "$T/one-report" "$T/040.log"
"$FTTRIAGE" scan --project cpython "$T/040.log" >/dev/null 2>&1
t_is "$(st_issue_counts "$DB")" "1 2 3" "a replaced log is read again"

# --no-store writes nothing; --db and FTTRIAGE_DB choose the store.
t_run "$FTTRIAGE" scan --no-store --db "$T/none.db" "$LOG040"
t_ok "$([ ! -e "$T/none.db" ]; echo $?)" "--no-store creates no store"
"$FTTRIAGE" scan --db "$T/other.db" --project p "$LOG040" >/dev/null 2>&1
t_is "$(st_issue_counts "$T/other.db")" "1 1 2" "--db PATH is used"
unset FTTRIAGE_DB
"$FTTRIAGE" scan "$LOG040" >/dev/null 2>&1
t_ok "$([ -s "$T/data/fttriage/fttriage.db" ]; echo $?)" \
    "the default store is \$XDG_DATA_HOME/fttriage/fttriage.db"
(unset XDG_DATA_HOME; "$FTTRIAGE" scan "$LOG040" >/dev/null 2>&1)
t_ok "$([ -s "$T/.local/share/fttriage/fttriage.db" ]; echo $?)" \
    "without XDG_DATA_HOME it is ~/.local/share/fttriage/fttriage.db"
t_is "$("$FTTRIAGE" issues --format json | grep -c '"project":"default"')" \
    3 "a log with no project mapping belongs to project default"
export FTTRIAGE_DB="$DB"

# Projects from the configuration: "project NAME GLOB".
mkdir -p "$T/config/fttriage" "$T/ci/numpy"
cp "$LOG040" "$T/ci/numpy/job1.log"
printf '# projects by path\nproject numpy %s/ci/numpy/*\n' "$T" \
    >"$T/config/fttriage/config"
"$FTTRIAGE" scan "$T/ci/numpy/job1.log" >/dev/null 2>&1
t_is "$("$FTTRIAGE" issues --project numpy --format json | wc -l | tr -d ' ')" \
    3 "the config maps a path to project numpy"
printf 'project scipy\n' >"$T/bad.conf"
t_run "$FTTRIAGE" scan --config "$T/bad.conf" "$LOG040"
t_ok "$([ "$t_rc" -eq 2 ] && grep -q "bad.conf:1:" "$T/err"; echo $?)" \
    "a bad config line is an error naming file and line"
printf '\nprojcet scipy *\n' >"$T/bad2.conf"
t_run "$FTTRIAGE" scan --config "$T/bad2.conf" "$LOG040"
t_ok "$(grep -q "bad2.conf:2: unknown directive 'projcet'" "$T/err"; echo $?)" \
    "an unknown directive names file and line"

# Browsing: issues with filters, show.
t_run "$FTTRIAGE" issues --project cpython
t_ok "$(grep -q 'data race' "$T/out"; echo $?)" "issues lists in text"
t_is "$("$FTTRIAGE" issues --project nosuch)" "no issues" \
    "issues --project filters"
t_is "$("$FTTRIAGE" issues --project cpython --since 1h --format json |
    wc -l | tr -d ' ')" 3 "--since 1h keeps what was just seen"
t_is "$("$FTTRIAGE" issues --project cpython --since 2099-01-01 \
    --format json | wc -l | tr -d ' ')" 0 "--since a future date keeps none"
t_run "$FTTRIAGE" issues --since yesterday
t_is "$t_rc" 2 "a bad --since is an error"

id=$("$FTTRIAGE" issues --project cpython --format json |
    grep '"title":"data race in _PyTraceMalloc_Start"' | sed -n 's/^{"id":\([0-9]*\),.*/\1/p' |
    head -1)
t_run "$FTTRIAGE" show "$id"
t_ok "$(grep -q "^issue $id: " "$T/out" &&
    grep -q '^occurrences (latest 2 of 2)' "$T/out" &&
    grep -q '^sample stacks:' "$T/out" &&
    grep -q '^sample report:' "$T/out" &&
    grep -q 'WARNING: ThreadSanitizer: data race' "$T/out"; echo $?)" \
    "show prints the issue, its occurrences and a sample"
t_ok "$(grep -q '#0 _PyTraceMalloc_Start' "$T/out"; echo $?)" \
    "show's sample stacks name the function"
t_run "$FTTRIAGE" show --format json "$id"
t_ok "$(grep -q '"occurrences":\[{"report"' "$T/out"; echo $?)" \
    "show --format json"
t_run "$FTTRIAGE" show 99999
t_ok "$([ "$t_rc" -eq 2 ] && grep -q 'no issue 99999' "$T/err"; echo $?)" \
    "show of a missing issue is an error"

# show lists the tests that triggered an issue, most frequent first.
sh "$PROGS/gen-log.sh" 12 2 >"$T/gen.log"
"$FTTRIAGE" scan --project gen "$T/gen.log" >/dev/null 2>&1
gid=$("$FTTRIAGE" issues --project gen --format json | head -1 |
    sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
"$FTTRIAGE" show "$gid" >"$T/show"
t_is "$(sed -n '/^tests:/,/^occurrences/p' "$T/show" |
    grep -c 'tests/test_mod.py::test_case_')" 6 \
    "show lists the six tests that triggered the issue"

# Untrusted text from a log stays valid JSON on the way out.
printf 'WARNING: ThreadSanitizer: data race (pid=1)\n  Write of size 8 at 0x1 by thread T1:\n    #0 bad\377\376name\033[31m x.c:1 (m.so+0x1)\n\n  Previous read of size 8 at 0x1 by main thread:\n    #0 other "q" x.c:2 (m.so+0x2)\n\nSUMMARY: ThreadSanitizer: data race x.c:1 in bad\n' \
    >"$T/hostile.log"
"$FTTRIAGE" scan --db "$T/hostile.db" "$T/hostile.log" >/dev/null 2>&1
if command -v python3 >/dev/null 2>&1; then
	"$FTTRIAGE" issues --db "$T/hostile.db" --format json >"$T/h.json"
	"$FTTRIAGE" show --db "$T/hostile.db" --format json 1 >>"$T/h.json"
	t_ok "$(python3 -c 'import json, sys
n = 0
for l in open(sys.argv[1], encoding="utf-8"):
    json.loads(l); n += 1
sys.exit(0 if n == 2 else 1)' "$T/h.json" 2>&1 >/dev/null; echo $?)" \
	    "issues and show write valid JSON from hostile log text"
	"$FTTRIAGE" show --db "$T/hostile.db" 1 >"$T/h.txt"
	t_ok "$(python3 -c 'import sys
t = open(sys.argv[1], "rb").read().decode("utf-8")
sys.exit(0 if "bad\ufffd\ufffdname" in t else 1)' "$T/h.txt" \
	    >/dev/null 2>&1; echo $?)" \
	    "show prints log text as valid UTF-8, bad bytes as U+FFFD"
else
	t_skip "python3 is needed to check the JSON"
fi

# Triage and regressions.
t_run "$FTTRIAGE" triage "$id" known --note "tracked upstream as gh-126315"
t_is "$(cat "$T/out")" "issue $id: known" "triage sets a state"
t_is "$("$FTTRIAGE" issues --state known --format json | wc -l | tr -d ' ')" \
    1 "issues --state known"
"$FTTRIAGE" show "$id" >"$T/show"
t_ok "$(grep -q 'note: *tracked upstream as gh-126315' "$T/show"; echo $?)" \
    "the note is kept"
t_run "$FTTRIAGE" triage "$id" solved
t_is "$t_rc" 2 "an unknown state is refused"
"$FTTRIAGE" triage "$id" fixed >/dev/null
cp "$LOG040" "$T/040-again.log"
"$FTTRIAGE" scan --project cpython "$T/040-again.log" >/dev/null 2>&1
"$FTTRIAGE" issues --project cpython --format json >"$T/issues.json"
t_ok "$(grep "^{\"id\":$id," "$T/issues.json" |
    grep -q '"state":"new","regression":true'; echo $?)" \
    "a fixed issue seen again is new and flagged a regression"
t_ok "$("$FTTRIAGE" issues --project cpython | grep -q 'new!'; echo $?)" \
    "the text list marks the regression"
t_is "$(grep -c '"regression":true' "$T/issues.json")" 1 \
    "issues not marked fixed are not regressions"

t_done
