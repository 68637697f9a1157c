#!/bin/sh
# t0620-outputs-injection: a log that tries to act through the outputs.
# Its titles, test ids, functions and paths carry @mentions, HTML, code
# fences, issue links, workflow commands, terminal escapes and bytes XML
# forbids; every format must keep them inert and still show them.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/outputs-lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
	t_skip "python3 is needed to check the documents"
	t_done
	exit
fi

E=$(printf '\033')
{
	echo 'tests/test_inj.py::test_x[@someone#123<b>] '
	echo "Fatal Python error: @someone <script>alert(1)</script> \`\`\`\` #123 %0A::error::injected ${E}[31mRED${E}[0m ${E}]0;pwned$(printf '\007') $(printf '\001\013\377')end"
	echo 'Python runtime state: initialized'
	echo ''
	echo 'Thread 0x00007f3a2d7fe6c0 (most recent call first):'
	echo '  File "/tmp/@someone/<script>alert(1)</script>/````x.py", line 3 in f_@someone'
	echo '  File "/tmp/t.py", line 9 in <module>'
	echo ''
	echo '=================='
	echo 'WARNING: ThreadSanitizer: data race (pid=4242)'
	echo '  Write of size 8 at 0x7f0000000010 by thread T1:'
	echo '    #0 evil@someone /tmp/#123/<img src=x onerror=alert(1)>.c:5 (evil.so+0x1234)'
	echo '    #1 worker /tmp/w.c:9 (evil.so+0x1300)'
	echo ''
	echo '  Previous read of size 8 at 0x7f0000000010 by thread T2:'
	echo '    #0 reader%0A::warning::x /tmp/r.c:7 (evil.so+0x1400)'
	echo ''
	echo 'SUMMARY: ThreadSanitizer: data race /tmp/x.c:5 in evil@someone'
	echo '=================='
} >"$T/inj.log"

# Checks shared by the scan and the summary documents.  $1 is a label.
check_all() {
	label=$1 dir=$2

	python3 "$OPROGS/check-markdown.py" "$dir/md"
	t_ok $? "$label markdown: no mention, issue link, HTML or open fence"
	t_ok "$(grep -q '@​someone' "$dir/md" && grep -q '&lt;script&gt;' "$dir/md";
	    echo $?)" "$label markdown: the text is still there, neutralised"
	t_ok "$(python3 - "$dir/md" <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
# The sample that holds the log's four backticks has a longer fence.
m = re.search(r"^(`{3,})text\n(?:(?!\1).*\n)*?.*````x\.py", t, re.M)
sys.exit(0 if m and len(m.group(1)) >= 5 else 1)
PY
	echo $?)" "$label markdown: the sample's fence outruns the log's backticks"

	o_check_sarif "$dir/sarif"
	t_ok $? "$label SARIF: valid, no control characters"
	t_ok "$(grep -q '<script>alert(1)</script>' "$dir/sarif"; echo $?)" \
	    "$label SARIF: the text is kept, JSON-escaped"

	o_check_xml "$dir/xml"
	t_ok $? "$label JUnit: well-formed XML"
	t_ok "$(python3 - "$dir/xml" <<'PY'
import sys, xml.etree.ElementTree as E
raw = open(sys.argv[1], encoding="utf-8").read()
root = E.parse(sys.argv[1]).getroot()
texts = [f.get("message") for f in root.iter("failure")]
ok = ("<script>" not in raw and
      any("<script>alert(1)</script>" in (t or "") for t in texts) and
      not any(ord(c) < 0x20 and c not in "\n\t" for c in raw))
sys.exit(0 if ok else 1)
PY
	echo $?)" "$label JUnit: escaped markup round-trips, no control bytes"

	t_ok "$(python3 - "$dir/gh" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
ok = bool(lines)
for l in lines:
    m = re.match(r"^::(error|warning|notice) ([^:]*)::(.*)$", l)
    if not m or "\r" in l or any(ord(c) < 0x20 for c in l):
        ok = False
        continue
    props, msg = m.group(2), m.group(3)
    # GitHub decodes %0A, %0D, %25 in the message; %3A and %2C too in
    # properties.  Decoded, no line of the message may start a command.
    dec = re.sub("%(25|0D|0A)", lambda x: {"25": "%", "0D": "\r",
                 "0A": "\n"}[x.group(1)], msg)
    if any(s.startswith("::") for s in dec.split("\n")[1:]):
        ok = False
    for p in props.split(","):
        if not re.match(r"^(file|line|title|col|endLine|endColumn)=", p):
            ok = False
if "%0A::error::injected" not in open(sys.argv[1]).read().replace(
        "%250A", "%0A"):
    ok = False
sys.exit(0 if ok else 1)
PY
	echo $?)" "$label github: one command a line, nothing injected"
	t_ok "$(grep -q '%250A::error::injected' "$dir/gh" &&
	    grep -q '%250A%3A%3Aerror%3A%3Ainjected' "$dir/gh"; echo $?)" \
	    "$label github: % and : are encoded in data and properties"
}

mkdir -p "$T/scan" "$T/sum"
"$FTTRIAGE" scan --no-store --format markdown "$T/inj.log" >"$T/scan/md" 2>/dev/null
"$FTTRIAGE" scan --no-store --format sarif "$T/inj.log" >"$T/scan/sarif" 2>/dev/null
"$FTTRIAGE" scan --no-store --format junit "$T/inj.log" >"$T/scan/xml" 2>/dev/null
"$FTTRIAGE" scan --no-store --format github "$T/inj.log" >"$T/scan/gh" 2>/dev/null
t_is "$(wc -l <"$T/scan/gh" | tr -d ' ')" 2 "scan: the log holds two issues"
check_all scan "$T/scan"

"$FTTRIAGE" scan --project inj "$T/inj.log" >/dev/null 2>&1
for f in md:markdown sarif:sarif xml:junit gh:github txt:text json:json; do
	"$FTTRIAGE" summary --project inj --format "${f#*:}" \
	    >"$T/sum/${f%%:*}" 2>/dev/null
done
check_all summary "$T/sum"
t_ok "$(LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$T/sum/txt"; [ $? -eq 1 ]; echo $?)" \
    "summary text: no control bytes reach the terminal"
t_ok "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = json.dumps(d, ensure_ascii=False)
sys.exit(0 if d["counts"]["issues"] == 2 and "\x1b" not in s else 1)' "$T/sum/json"; echo $?)" \
    "summary JSON: valid, two issues, no escape characters"

# Suppressions: a '#' in a function would comment the line out, so the
# race (its function runs into the path with "#123") gets none, and a
# crash has no suppression type: both are listed as comments only.
for id in 1 2; do "$FTTRIAGE" triage "$id" known >/dev/null; done
"$FTTRIAGE" suppressions --project inj >"$T/supp"
t_ok "$(python3 - "$T/supp" <<'PY'
import re, sys
ok = True
for l in open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]:
    if any(ord(c) < 0x20 for c in l):
        ok = False
    if not l.startswith("#") and not re.match(
            r"^(race_top|thread|deadlock|signal|mutex):[^#\s]+$", l):
        ok = False
sys.exit(0 if ok else 1)
PY
echo $?)" "suppressions: comments and well-formed lines only"
t_is "$(grep -v '^#' "$T/supp" | wc -l | tr -d ' '):$(grep -c '^#   no suppression fits' "$T/supp")" \
    "0:2" "suppressions: no line that TSan could misread"

t_done
