#!/bin/sh
# quickstart.sh: set up, build and run fttriage on a fresh Debian machine.
#
#   ./quickstart.sh example   install what is missing, build, and scan the
#                             bundled example CI log
#   ./quickstart.sh check     install what is missing, build, and run the
#                             whole test suite (make check)
#
# Packages come from Debian's archive; apt-get runs only when something is
# missing (as root, or through sudo).
set -eu
cd "$(dirname "$0")"

mode=${1:-example}
case $mode in
example|check) ;;
*) echo "usage: $0 example|check" >&2; exit 2 ;;
esac

# Build: compiler, autotools, the four libraries, Check for unit tests.
pkgs="gcc make autoconf automake pkg-config libelf-dev libdwarf-dev
libpcre2-dev libsqlite3-dev check"
# Tests: man page lint, JSON checks, sanitizer programs built with gcc
# and clang, the reference symbolizers, ELF tools, valgrind, xmllint.
[ "$mode" = check ] && pkgs="$pkgs mandoc python3 python3-jsonschema clang
llvm binutils elfutils libclang-rt-dev time file valgrind libxml2-utils"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "quickstart: installing:$missing"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -q
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q $missing
fi

if [ ! -x configure ] || [ configure.ac -nt configure ] ||
    [ Makefile.am -nt Makefile.in ]; then
	./autogen.sh
fi
if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
	./configure ${FTTRIAGE_CONFIGURE_FLAGS:-}
fi
make -j"$(nproc 2>/dev/null || echo 2)"

if [ "$mode" = example ]; then
	exec ./fttriage scan fixtures/example-ci.log
fi
make -j"$(nproc 2>/dev/null || echo 2)" check
