#!/bin/sh
# t0630-outputs-sarif-multitool: the SARIF of a scan and of a summary,
# validated by the SARIF multitool (its schema and SARIF rules, plus its
# GitHub code-scanning rules, "Gh").  Skipped when the multitool is not
# installed (it is installed with: npm install -g @microsoft/sarif-multitool).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/outputs-lib.sh"

if ! command -v sarif-multitool >/dev/null 2>&1; then
	t_skip "sarif-multitool is not installed"
	t_done
	exit
fi
if ! sarif-multitool --version >/dev/null 2>&1; then
	t_skip "sarif-multitool is installed but does not run here"
	t_done
	exit
fi

# mt FILE: validate; fail on any error line, print them.
mt() {
	sarif-multitool validate --rule-kind '"Sarif;Gh"' "$1" \
	    >"$T/mt.out" 2>&1
	rc=$?
	errs=$(grep -E ': error [A-Z]+[0-9]+' "$T/mt.out")
	[ -z "$errs" ] || printf '%s\n' "$errs" | cut -c1-300 | sed 's/^/# /'
	[ $rc -eq 0 ] && [ -z "$errs" ] &&
	    grep -q 'Analysis completed successfully' "$T/mt.out"
}

# The validator must be able to fail: a log with no rules or locations.
printf '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"a","message":{"text":"m"}}]}]}\n' \
    >"$T/bad.sarif"
mt "$T/bad.sarif" >/dev/null
t_ok $((! $?)) "the multitool rejects a log code scanning would refuse"

cat "$CORPUS"/*.log >"$T/corpus.log"
"$FTTRIAGE" scan --no-store --format sarif "$T/corpus.log" >"$T/corpus.sarif" \
    2>/dev/null
mt "$T/corpus.sarif"
t_ok $? "scan of the whole corpus: the multitool finds no error"

if o_tsan_build; then
	o_racy_log "$T/racy.log"
	"$FTTRIAGE" scan --no-store --format sarif "$T/racy.log" \
	    >"$T/racy.sarif" 2>/dev/null
	mt "$T/racy.sarif"
	t_ok $? "scan of the racy programs: the multitool finds no error"
	"$FTTRIAGE" scan --project racy "$T/racy.log" >/dev/null 2>&1
else
	t_skip "$CC cannot build ThreadSanitizer programs here"
fi
"$FTTRIAGE" scan --project uvloop \
    "$CORPUS/025-uvloop-cython-pyx-vectorcallfunc-build-error.log" >/dev/null 2>&1
"$FTTRIAGE" summary --format sarif >"$T/summary.sarif"
mt "$T/summary.sarif"
t_ok $? "summary of the store: the multitool finds no error"

t_done
