#!/bin/sh
# run.sh — every test of dojobridge, one line each, then "N passed, N failed".
# A test is a program: exit 0 pass, 77 skip, anything else fail (nbdkit's rule).
# Under CI (CI set) a skipped test counts as a failure: CI must run them all.

cd "$(dirname "$0")/.." || exit 1
: "${PYTHON:=python3}"
export PYTHON
mkdir -p tests/tmp
pass=0 fail=0 skip=0
failed_names=

run() {
	name=$1
	shift
	log=tests/tmp/$(echo "$name" | tr '/ ' '__').log
	"$@" >"$log" 2>&1
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); echo "PASS: $name" ;;
	77) skip=$((skip + 1)); echo "SKIP: $name ($(tail -n 1 "$log"))" ;;
	*) fail=$((fail + 1)); failed_names="$failed_names $name"
	   echo "FAIL: $name (exit $rc, log: $log)"; sed 's/^/    /' "$log" | tail -n 30 ;;
	esac
}

skip_missing() { echo "$1"; exit 77; }

# Unit tests (cmocka).
for t in tests/unit/test_*.c; do
	bin=${t%.c}
	if [ "$HAVE_CMOCKA" = yes ]; then
		run "unit/$(basename "$bin")" ${DOJOBRIDGE_WRAPPER:-} "$bin"
	else
		run "unit/$(basename "$bin")" sh -c 'echo "cmocka is not installed (libcmocka-dev)"; exit 77'
	fi
done

# Plugins against their golden files, and the plugin ABI from outside the tree.
run plugins/golden sh tests/plugins/run-golden.sh

# The stand-in DefectDojo itself.
if command -v "$PYTHON" >/dev/null 2>&1; then
	run fakedojo "$PYTHON" tests/fakedojo/test_fakedojo.py
else
	run fakedojo sh -c 'echo "python3 is not installed"; exit 77'
fi

# The real binary against the stand-in server.
for t in tests/test-*.sh; do
	run "$(basename "$t" .sh)" sh "$t"
done

run docs sh tests/docs-coverage.sh

echo
if [ -n "${CI:-}" ] && [ "$skip" -gt 0 ]; then
	echo "CI: $skip tests were skipped; every test must run in CI"
	fail=$((fail + skip))
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
