#!/usr/bin/env python3
#
# scan-check.py: check `fttriage scan --format json` output against what a
# test program is known to produce, and dress real sanitizer output up as
# messy CI logs.  Used by the shell tests; speaks plain text, one problem a
# line on stdout, and exits 1 when there is a problem.
#
#   scan-check.py expect --src A.c [--src B.c] [--module A.c=prog]
#                 [--pid N] [--nosym] JSON
#       The expected reports are written in A.c's header comment:
#           expect <kind>               one report, in order
#           stack <role>: f@mark g ...  its stacks, in order; the frames
#                                       from #0 ("..." skips any number)
#           pid none                    the log carries no pid
#       f@mark: function f (or g, for f|g), in the file holding the comment "/* @mark */",
#       at that line, in the module given for that file.  f alone: only
#       the function name is checked.  With --nosym (symbolize=0) only
#       the modules and offsets are checked, and the function, file and
#       line of the frames fttriage symbolized itself, if it did.
#
#   scan-check.py same A.json B.json
#       The same reports, stacks and frames, wherever they were read from.
#
#   scan-check.py frame STYLE [ARG] < log > messy-log
#       Wrap a log: github, pytest, crlf, colour, tool, gw (ARG: the second
#       log, interleaved line by line), cut (ARG: fraction of the report
#       after which the text stops, mid-line), behead (ARG: characters to
#       drop from the header), headless.

import json
import os
import re
import sys

problems = []


def bad(msg):
    problems.append(msg)


def load(path):
    out = []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            try:
                out.append(json.loads(raw.decode("utf-8")))
            except (UnicodeDecodeError, ValueError) as e:
                bad("%s:%d: not a JSON object: %s" % (path, n, e))
    return out


def markers(srcs):
    marks = {}
    for src in srcs:
        with open(src) as f:
            for n, line in enumerate(f, 1):
                for m in re.findall(r"/\* @([a-z0-9-]+) \*/", line):
                    if m in marks:
                        bad("marker @%s twice" % m)
                    marks[m] = (os.path.basename(src), n)
    return marks


def spec(src):
    reports = []
    with open(src) as f:
        for line in f:
            m = re.match(r"^ \* (expect|stack|pid) (.*)$", line.rstrip())
            if m is None:
                continue
            word, rest = m.groups()
            if word == "expect":
                reports.append({"kind": rest, "stacks": [], "pid": True})
            elif word == "pid":
                reports[-1]["pid"] = rest != "none"
            else:
                role, _, frames = rest.partition(":")
                reports[-1]["stacks"].append((role.strip(), frames.split()))
    return reports


def check_frames(where, stack, frames, marks, modules, nosym):
    got = stack["frames"]
    i = 0
    skipping = False
    for want in frames:
        if want == "...":
            skipping = True
            continue
        fn, _, mark = want.partition("@")
        fns = fn.split("|")
        if skipping:
            if nosym:
                return
            while i < len(got) and got[i]["function"] not in fns:
                i += 1
            skipping = False
        if i >= len(got):
            bad("%s: frame #%d (%s) missing" % (where, i, want))
            return
        f = got[i]
        w = "%s frame #%d" % (where, i)
        if f["index"] != i:
            bad("%s: index %r" % (w, f["index"]))
        # Without symbols in the log, a frame fttriage symbolized itself
        # (it found the binary) must agree with the runtime's symbolizer.
        named = not nosym or (mark and f["function"] is not None)
        if named and f["function"] not in fns:
            bad("%s: function %r, expected %r" % (w, f["function"], fn))
        if mark:
            if mark not in marks:
                bad("%s: no marker @%s in the sources" % (w, mark))
                return
            base, line = marks[mark]
            if named:
                fb = os.path.basename(f["file"] or "")
                if fb != base or f["line"] != line:
                    bad("%s: at %s:%r, expected %s:%d" %
                        (w, fb, f["line"], base, line))
            if base in modules and f["module"] != modules[base]:
                bad("%s: module %r, expected %r" %
                    (w, f["module"], modules[base]))
        i += 1


def cmd_expect(args):
    srcs, modules, pid, nosym = [], {}, None, False
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if opt == "--src":
            srcs.append(args.pop(0))
        elif opt == "--module":
            k, _, v = args.pop(0).partition("=")
            modules[k] = v
        elif opt == "--pid":
            pid = int(args.pop(0))
        elif opt == "--nosym":
            nosym = True
    got = load(args[0])
    marks = markers(srcs)
    want = spec(srcs[0])
    if len(got) != len(want):
        bad("%d reports, expected %d: %s" %
            (len(got), len(want), [r.get("kind") for r in got]))
    for n, (r, w) in enumerate(zip(got, want)):
        where = "report %d" % n
        if r["kind"] != w["kind"]:
            bad("%s: kind %r, expected %r" % (where, r["kind"], w["kind"]))
        if r["complete"] is not True or r["missing"] is not None:
            bad("%s: incomplete: %r" % (where, r["missing"]))
        wp = pid if w["pid"] else None
        if r["pid"] != wp:
            bad("%s: pid %r, expected %r" % (where, r["pid"], wp))
        roles = [s["role"] for s in r["stacks"]]
        wroles = [s[0] for s in w["stacks"]]
        if roles != wroles:
            bad("%s: stacks %s, expected %s" % (where, roles, wroles))
            continue
        for k, (s, (role, frames)) in enumerate(zip(r["stacks"],
                                                    w["stacks"])):
            check_frames("%s stack %d (%s)" % (where, k, role), s, frames,
                         marks, modules, nosym)
            if not nosym:
                continue
            for f in s["frames"]:
                if not f["module"] or not re.match(r"^0x[0-9a-f]+$",
                                                   f["offset"] or ""):
                    bad("%s stack %d: frame #%r without module/offset" %
                        (where, k, f["index"]))


def shape(r):
    return (r["kind"], r["pid"], r["complete"],
            [(s["role"], s["label"], s["thread"],
              [(f["index"], f["function"], f["file"], f["line"],
                f["column"], f["module"], f["offset"], f["build_id"])
               for f in s["frames"]])
             for s in r["stacks"]])


def cmd_same(args):
    a, b = load(args[0]), load(args[1])
    if len(a) != len(b):
        bad("%d reports against %d" % (len(a), len(b)))
    for n, (x, y) in enumerate(zip(a, b)):
        if shape(x) != shape(y):
            bad("report %d differs:\n  %r\n  %r" % (n, shape(x), shape(y)))


def cmd_frame(args):
    style = args[0]
    lines = sys.stdin.buffer.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    out = []
    if style == "github":
        for n, l in enumerate(lines):
            out.append(b"2025-03-14T09:26:%02d.%07dZ " % (n % 60, n * 7919)
                       + l)
    elif style == "pytest":
        out = [b"E   " + l for l in lines]
    elif style == "crlf":
        out = [l + b"\r" for l in lines]
    elif style == "colour":
        for l in lines:
            if b"WARNING" in l or b"SUMMARY" in l:
                l = b"\x1b[1m\x1b[31m" + l + b"\x1b[0m"
            elif l.lstrip().startswith(b"#"):
                l = b"\x1b[34m" + l + b"\x1b[0m"
            out.append(l)
    elif style == "tool":
        out = [b"python3.13t-cython> " + l for l in lines]
    elif style == "gw":
        with open(args[1], "rb") as f:
            other = f.read().split(b"\n")
        if other and other[-1] == b"":
            other.pop()
        for i in range(max(len(lines), len(other))):
            if i < len(lines):
                out.append(b"[gw0] " + lines[i])
            if i < len(other):
                out.append(b"[gw1] " + other[i])
    elif style == "cut":
        text = b"\n".join(lines)
        stop = int(len(text) * float(args[1]))
        while text[stop - 1:stop] != b"#" and stop < len(text):
            stop += 1
        # Stop inside the frame: after "#N 0x" or "#N func".
        out = [text[:stop + 6]]
        sys.stdout.buffer.write(out[0])
        return
    elif style == "behead":
        k = int(args[1])
        for l in lines:
            if b"WARNING: " in l and k:
                l = l[k:]
                k = 0
            out.append(l)
    elif style == "headless":
        seen = False
        for l in lines:
            if not seen and b"WARNING: " in l:
                seen = True
                continue
            if seen:
                out.append(l)
    else:
        sys.exit("unknown style " + style)
    sys.stdout.buffer.write(b"".join(l + b"\n" for l in out))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"expect": cmd_expect, "same": cmd_same, "frame": cmd_frame}[cmd](args)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
