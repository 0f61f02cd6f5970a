#!/bin/sh
# run-golden.sh — run `dojobridge detect --json` on every report that has a
# golden file and compare its one line of output with the golden one.
#
# Each tests/plugins/golden/<path>.expected holds exactly what detect prints
# for one report; the report's path, relative to the top of the source tree,
# is the "file" member of that line.  Prints one line per mismatch (the diff
# too with VERBOSE=1), then a summary on stderr.
#
# Environment: DOJOBRIDGE (the binary, default ./dojobridge),
# DOJOBRIDGE_PLUGIN_DIR (default plugins), VERBOSE.
# Exit status: 0 all match, 1 some differ, 77 the binary is not built.

: "${DOJOBRIDGE:=./dojobridge}"
: "${DOJOBRIDGE_PLUGIN_DIR:=plugins}"

# Report paths in the golden files are relative to the top of the tree.
if [ ! -d tests/plugins/golden ]; then
	cd "$(dirname "$0")/../.." || exit 1
fi

if [ ! -x "$DOJOBRIDGE" ]; then
	echo "run-golden.sh: $DOJOBRIDGE not built, skipped" >&2
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/golden.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

find tests/plugins/golden -type f -name '*.expected' | LC_ALL=C sort >"$tmp/list"

pass=0
fail=0
while IFS= read -r expected; do
	file=$(sed -n '1s/^{"file":"\([^"]*\)".*/\1/p' "$expected")
	if [ -z "$file" ]; then
		echo "FAIL $expected: no \"file\" member on its first line"
		fail=$((fail + 1))
		continue
	fi
	# detect's exit status says what it found; only its output is compared.
	"$DOJOBRIDGE" --plugin-dir "$DOJOBRIDGE_PLUGIN_DIR" detect --json \
	    "$file" >"$tmp/actual" 2>"$tmp/stderr" </dev/null
	if diff -u "$expected" "$tmp/actual" >"$tmp/diff" 2>&1; then
		pass=$((pass + 1))
	else
		echo "FAIL $file"
		if [ -n "$VERBOSE" ]; then
			cat "$tmp/diff" "$tmp/stderr"
		fi
		fail=$((fail + 1))
	fi
done <"$tmp/list"

echo "golden: $pass passed, $fail failed" >&2
[ "$fail" -eq 0 ]
