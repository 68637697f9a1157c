#!/usr/bin/env python3
"""check-markdown.py FILE: check that Markdown is safe to paste into a
GitHub issue.

Fenced code blocks must be closed by a fence of the same character at
least as long, and no backtick run inside a block may be as long as its
fence (or the block could be closed early).  Outside blocks and after
removing inline code spans, nothing may mention (@name), link an issue
(#123) or open an HTML tag (but the <details> and <summary> the
renderer writes itself); nowhere may a control character appear.
Exits 1 and says why when the file is not safe.
"""
import re
import sys

text = open(sys.argv[1], encoding="utf-8").read()
problems = []
if re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text):
    problems.append("control character in the output")

prose = []
lines = text.split("\n")
i = 0
while i < len(lines):
    m = re.match(r"^ {0,3}(`{3,}|~{3,})", lines[i])
    if not m:
        prose.append(lines[i])
        i += 1
        continue
    fence = m.group(1)
    j = i + 1
    body = []
    while j < len(lines):
        c = re.match(r"^ {0,3}(%s+)\s*$" % re.escape(fence[0]), lines[j])
        if c and len(c.group(1)) >= len(fence):
            break
        body.append(lines[j])
        j += 1
    if j == len(lines):
        problems.append("fence at line %d is never closed" % (i + 1))
    for b in body:
        for run in re.findall(r"`+", b):
            if len(run) >= len(fence):
                problems.append("a run of %d backticks inside a fence of %d"
                                " at line %d" % (len(run), len(fence), i + 1))
    i = j + 1

flat = "\n".join(prose)
# Inline code spans: a run of n backticks up to the next run of exactly n.
spans = []


def cut(m):
    spans.append(m.group(2))
    return "\x00"


outside = re.sub(r"(`+)(.*?[^`])\1(?!`)", cut, flat)
for what, rx in (("a mention", r"(?<![\w\\])@[A-Za-z0-9]"),
                 ("an issue link", r"(?<![\w\\&])#[0-9]"),
                 ("an HTML tag",
                  r"<(?!/?(details|summary)>)[A-Za-z/!?]")):
    for part, where in ((outside, "prose"),) + tuple((s, "code span")
                                                     for s in spans):
        if re.search(rx, part) and not (where == "code span" and
                                        what == "an HTML tag"):
            problems.append("%s in %s: %r" % (what, where,
                            re.search(rx, part).group(0)))
for s in spans:
    if re.search(r"@[A-Za-z0-9]", s) or re.search(r"#[0-9]", s):
        problems.append("mention or issue link in a code span: %r" % s)

if problems:
    for p in problems[:20]:
        print("# " + p, file=sys.stderr)
    sys.exit(1)
