#!/usr/bin/env python3
"""check-sarif.py FILE [SCHEMA]: check a SARIF 2.1.0 log the way GitHub
code scanning reads it.

Checks the fields code scanning requires or uses (version, $schema,
tool.driver.name and rules, each result's ruleId, message.text, a
physical location with a URI and a startLine >= 1, partialFingerprints),
that every ruleId is described and ruleIndex points at it, that URIs are
valid URI references and that no string carries control characters.
With SCHEMA (the official 2.1.0 JSON schema) and python3-jsonschema, the
log is also validated against the schema.  Prints one line per result,
"ruleId|uri|startLine|fingerprint", and exits 1 on the first problems.
"""
import json
import re
import sys

problems = []


def bad(msg):
    problems.append(msg)


def walk_strings(x, path="$"):
    if isinstance(x, str):
        for ch in x:
            o = ord(ch)
            if (o < 0x20 and ch not in "\n\t") or 0x7f <= o < 0xa0:
                bad("%s: control character U+%04X" % (path, o))
                break
    elif isinstance(x, dict):
        for k, v in x.items():
            walk_strings(v, path + "." + k)
    elif isinstance(x, list):
        for i, v in enumerate(x):
            walk_strings(v, "%s[%d]" % (path, i))


URI_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:)?"
                    r"([A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$")
LEVELS = ("none", "note", "warning", "error")


def text_of(obj, key, where):
    m = obj.get(key)
    if not isinstance(m, dict) or not isinstance(m.get("text"), str) \
            or not m["text"]:
        bad("%s: %s.text missing" % (where, key))


def main():
    log = json.load(open(sys.argv[1], encoding="utf-8"))
    if log.get("version") != "2.1.0":
        bad("version is not 2.1.0")
    if not isinstance(log.get("$schema"), str):
        bad("no $schema")
    runs = log.get("runs")
    if not isinstance(runs, list) or len(runs) != 1:
        bad("runs must hold one run")
        return
    run = runs[0]
    driver = run.get("tool", {}).get("driver", {})
    if not isinstance(driver.get("name"), str) or not driver["name"]:
        bad("tool.driver.name missing")
    rules = driver.get("rules")
    if not isinstance(rules, list):
        bad("tool.driver.rules missing")
        rules = []
    ids = []
    for i, r in enumerate(rules):
        w = "rules[%d]" % i
        if not isinstance(r.get("id"), str) or not r["id"]:
            bad(w + ": no id")
        ids.append(r.get("id"))
        if r.get("name") == r.get("id"):
            bad(w + ": name equals id")
        for k in ("shortDescription", "fullDescription", "help"):
            text_of(r, k, w)
        uri = r.get("helpUri")
        if not isinstance(uri, str) or not re.match(r"^https?://\S+$", uri):
            bad(w + ": helpUri missing or not absolute")
        lvl = r.get("defaultConfiguration", {}).get("level")
        if lvl not in LEVELS:
            bad(w + ": defaultConfiguration.level %r" % lvl)
    if len(set(ids)) != len(ids):
        bad("rule ids are not unique")
    results = run.get("results")
    if not isinstance(results, list):
        bad("results missing")
        results = []
    fps = []
    for i, res in enumerate(results):
        w = "results[%d]" % i
        rid = res.get("ruleId")
        if rid not in ids:
            bad(w + ": ruleId %r not in rules" % rid)
        elif res.get("ruleIndex") != ids.index(rid):
            bad(w + ": ruleIndex does not point at ruleId")
        if res.get("level") not in LEVELS:
            bad(w + ": level %r" % res.get("level"))
        text_of(res, "message", w)
        locs = res.get("locations")
        uri, line = None, None
        if not isinstance(locs, list) or not locs:
            bad(w + ": no locations")
        else:
            pl = locs[0].get("physicalLocation", {})
            uri = pl.get("artifactLocation", {}).get("uri")
            if not isinstance(uri, str) or not uri or not URI_RE.match(uri):
                bad(w + ": bad uri %r" % uri)
            reg = pl.get("region")
            if reg is not None:
                line = reg.get("startLine")
                if not isinstance(line, int) or line < 1:
                    bad(w + ": bad startLine %r" % line)
        pf = res.get("partialFingerprints")
        if not isinstance(pf, dict) or not pf or not all(
                isinstance(k, str) and isinstance(v, str) and v
                for k, v in pf.items()):
            bad(w + ": partialFingerprints missing")
            fp = None
        else:
            fp = sorted(pf.values())[0]
        fps.append(fp)
        print("%s|%s|%s|%s" % (rid, uri, line, fp))
    if len(set(fps)) != len(fps):
        bad("two results share a fingerprint")
    walk_strings(log)

    if len(sys.argv) > 2:
        import jsonschema
        schema = json.load(open(sys.argv[2], encoding="utf-8"))
        cls = jsonschema.validators.validator_for(schema)
        errs = list(cls(schema).iter_errors(log))
        for e in errs[:10]:
            bad("schema: %s at %s" % (e.message[:200], list(e.path)))


main()
if problems:
    for p in problems[:30]:
        print("# " + p, file=sys.stderr)
    sys.exit(1)
