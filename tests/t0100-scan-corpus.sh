#!/bin/sh
# Every real log in the corpus yields the number of reports and the kinds
# its .meta file gives.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

cat >check.py <<'PY'
import json, sys
meta = {}
for line in open(sys.argv[1], encoding="utf-8"):
    if ": " in line:
        k, v = line.rstrip("\n").split(": ", 1)
        meta[k] = v
want_n = int(meta["reports"])
want_kinds = {k.strip() for k in meta["kinds"].split(",")}
reports = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
seen = set()
for r in reports:
    fam = r["family"]
    if r["kind"] == "event" and r["attributes"].get("event") == "gil-reenabled":
        fam = "gil-reenabled-warning"
    if fam not in want_kinds:
        print("report kind %s (%s) not in .meta kinds %s" % (r["kind"], fam, sorted(want_kinds)))
        sys.exit(1)
    seen.add(fam)
    for p in r["parts"]:
        seen.add(p)
missing = want_kinds - seen
if len(reports) != want_n:
    print("%d reports, .meta says %d" % (len(reports), want_n))
    sys.exit(1)
if missing:
    print("kinds not found: %s" % sorted(missing))
    sys.exit(1)
PY

for meta in "$CORPUS"/*.meta; do
	log=${meta%.meta}.log
	name=$(basename "$log")
	"$FTTRIAGE" scan --format json "$log" >out.json 2>err
	rc=$?
	t_is "$rc" 0 "$name: scan exits 0"
	python3 check.py "$meta" out.json >why 2>&1
	st=$?
	[ $st -eq 0 ] || sed 's/^/# /' why
	t_ok $st "$name: reports and kinds match .meta"
done

# Reading the same corpus from standard input gives the same reports.
cat "$CORPUS/040-cpython-tracemalloc-four-tsan-reports-macos.log" |
    "$FTTRIAGE" scan --format json - >stdin.json
n=$(wc -l <stdin.json)
t_is "$n" 4 "stdin: four reports from 040"

# Several files in one run: reports of each, each with its own path.
"$FTTRIAGE" scan --format json "$CORPUS"/001-*.log "$CORPUS"/040-*.log >two.json
paths=$(python3 -c 'import json,sys,os
print(" ".join(sorted({os.path.basename(json.loads(l)["source"]["path"])[:3] for l in open("two.json")})))')
t_is "$paths" "001 040" "two files: reports keep their source path"

t_done
