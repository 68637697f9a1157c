# tests/outputs-lib.sh: helpers for the output tests (t06xx).  Source
# after lib.sh.

OPROGS="$top_srcdir/tests/progs/outputs"
export FTTRIAGE_DB="$T/out.db"
export XDG_DATA_HOME="$T/data" XDG_CONFIG_HOME="$T/config" HOME="$T"
unset GITHUB_WORKSPACE
# The rules of this tree, not an installed copy.
export FTTRIAGE_RULES_DIR="$top_srcdir/rules"

# o_tsan_build: build racy.c with TSan as $T/racy; 1 when $CC cannot.
o_tsan_build() {
	$CC -g -O1 -fsanitize=thread "$OPROGS/racy.c" -o "$T/racy" \
	    -lpthread 2>"$T/cc.err" && "$T/racy" none >/dev/null 2>&1
}

# o_racy_log OUT [TSAN_OPTIONS...]: the TSan output of the three racy
# programs (race, leak, lock-order inversion) as one log.  The count TSan
# prints at exit ("ThreadSanitizer: reported 1 warnings") is left out: a
# rule makes an event of it, and the tests count the three problems.
o_racy_log() {
	out=$1
	shift
	: >"$out"
	for m in race leak deadlock; do
		TSAN_OPTIONS="exitcode=0 second_deadlock_stack=1 $*" \
		    "$T/racy" "$m" 2>&1 |
		    grep -v '^ThreadSanitizer: reported [0-9]* warning' >>"$out"
	done
}

# o_sarif_schema: the official SARIF 2.1.0 schema if one is installed
# (SARIF_SCHEMA, else the copy the SARIF multitool's package carries).
o_sarif_schema() {
	if [ -n "${SARIF_SCHEMA:-}" ] && [ -r "$SARIF_SCHEMA" ]; then
		echo "$SARIF_SCHEMA"
		return 0
	fi
	command -v npm >/dev/null 2>&1 || return 1
	root=$(npm root -g 2>/dev/null) || return 1
	for f in "$root"/@microsoft/sarif-multitool/node_modules/@microsoft/sarif-multitool-*/sarif-2.1.0.json \
	    "$root"/@microsoft/sarif-multitool-*/sarif-2.1.0.json; do
		[ -r "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# o_have_jsonschema: python3 with the jsonschema module.
o_have_jsonschema() {
	python3 -c 'import jsonschema' 2>/dev/null
}

# o_check_sarif FILE: the structural check, plus the schema when both the
# schema and python3-jsonschema are here.  Result lines in $T/sarif.lines.
o_check_sarif() {
	if o_have_jsonschema && schema=$(o_sarif_schema); then
		python3 "$OPROGS/check-sarif.py" "$1" "$schema" \
		    >"$T/sarif.lines" 2>"$T/sarif.err"
	else
		python3 "$OPROGS/check-sarif.py" "$1" \
		    >"$T/sarif.lines" 2>"$T/sarif.err"
	fi
	rc=$?
	sed 's/^/# /' "$T/sarif.err"
	return $rc
}

# o_check_xml FILE: parses with xml.etree, and with xmllint when present.
o_check_xml() {
	python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' \
	    "$1" || return 1
	if command -v xmllint >/dev/null 2>&1; then
		xmllint --noout "$1" || return 1
	fi
	return 0
}
