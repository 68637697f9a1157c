#!/bin/sh
# House rules that a compiler does not check: banned string functions,
# each third-party header behind its one door, man pages lint clean.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

src="$top_srcdir/src"

banned=$(grep -nE '\b(sprintf|vsprintf|strcpy|strcat|strtok|gets|atoi|atol|atoll)[[:space:]]*\(' \
    "$src"/*.c "$src"/*.h 2>/dev/null | grep -v '^\s*\*' || true)
[ -z "$banned" ] || printf '%s\n' "$banned" | sed 's/^/# /'
t_is "$banned" "" "no banned string functions in src/"

# Each dependency behind one door.
door() {
	hdr=$1; shift
	found=$(grep -lE "#include[[:space:]]*<$hdr>" "$src"/*.c "$src"/*.h 2>/dev/null |
	    xargs -r -n1 basename | sort | tr '\n' ' ')
	ok=0
	for f in $found; do
		case " $* " in *" $f "*) ;; *) ok=1; echo "# <$hdr> in $f" ;; esac
	done
	t_ok $ok "<$hdr> only in: $*"
}
door 'sqlite3\.h' store.c
door 'pcre2\.h' match.c
door '(libelf|gelf)\.h' elf.c dwarf.c dwarf-compat.h
door 'libdwarf\.h' dwarf.c dwarf-compat.h

if command -v mandoc >/dev/null 2>&1; then
	for m in "$top_srcdir"/man/*.[1-9]; do
		out=$(mandoc -Tlint -W warning "$m" 2>&1)
		[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
		t_is "$out" "" "mandoc -Tlint $(basename "$m")"
	done
else
	t_skip "mandoc not installed"
fi

# --help mirrors the man page's SYNOPSIS: every command there is in usage.
for c in $("$FTTRIAGE" --help | awk '/^  [a-z]/ {print $1}'); do
	grep -q "^\.Cm $c\b" "$top_srcdir/man/fttriage.1"
	t_ok $? "command '$c' from --help is in fttriage(1)"
done

t_done
