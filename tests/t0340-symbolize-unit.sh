#!/bin/sh
# The symbolize stage's unit tests (Check); their output is TAP already.
unit="${top_builddir:-.}/tests/unit-symbolize"
if [ ! -x "$unit" ]; then
	echo "1..0 # SKIP Check is not installed"
	exit 0
fi
exec "$unit"
