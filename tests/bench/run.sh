#!/bin/sh
# run.sh — dojobridge's benchmarks (`make bench`), each figure beside a
# baseline measured in the same run; one table at the end.  Not part of
# `make check`: nothing here passes or fails on timing.
#
#   sh tests/bench/run.sh [latency] [throughput] [bigfile] [idle] [detect]
#
# Knobs: see tests/bench/README.md.

cd "$(dirname "$0")/../.." || exit 1
: "${PYTHON:=python3}"
export PYTHON
command -v "$PYTHON" >/dev/null 2>&1 || { echo "bench: python3 is not installed"; exit 1; }
[ -x ./dojobridge ] || { echo "bench: ./dojobridge is not built (make)"; exit 1; }
for tool in inotifywait curl; do
	command -v "$tool" >/dev/null 2>&1 ||
		echo "bench: $tool is not installed (./configure --install-deps): the baselines that need it are skipped"
done
exec "$PYTHON" tests/bench/bench.py "$@"
