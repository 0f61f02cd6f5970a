#!/bin/sh
# run.sh — run fuzz targets (names as in `make fuzz`: facts, detect, ...)
# over their seed corpora, FUZZ_TIME seconds each, FUZZ_JOBS at a time,
# after running each one over its reproducers in tests/fuzz/crashes.
# New inputs go to tests/fuzz/work/<target>, the seeds are only read;
# crashes, leaks, timeouts and OOMs are saved in tests/fuzz/artifacts and
# each target's output in tests/fuzz/logs/<target>.log.  Exits 1 if any
# target found something (or did not start), 0 otherwise.
#
# Open findings listed in FUZZ_KNOWN_ISSUES (default tests/fuzz/known-issues;
# set it empty to see them all) do not stop a run: "promise" lines through
# fuzzutil.c, "ubsan" lines as UBSan suppressions.
cd "$(dirname "$0")/../.." || exit 1
time=${FUZZ_TIME:-20}
jobs=${FUZZ_JOBS:-}
[ -n "$jobs" ] || jobs=$(nproc 2>/dev/null || echo 1)
# Extra libFuzzer options, e.g. FUZZ_OPTS="-fork=1 -ignore_crashes=1".
opts=${FUZZ_OPTS:-}
fz=tests/fuzz
mkdir -p $fz/work $fz/logs $fz/artifacts || exit 1

known=${FUZZ_KNOWN_ISSUES-$fz/known-issues}
FUZZ_KNOWN_ISSUES=
if [ -n "$known" ] && [ -f "$known" ]; then
	FUZZ_KNOWN_ISSUES=$(cd "$(dirname "$known")" && pwd)/$(basename "$known")
	sed -n 's/^ubsan[ 	]*//p' "$known" >$fz/logs/ubsan.supp
	UBSAN_OPTIONS="suppressions=$(pwd)/$fz/logs/ubsan.supp${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
	export UBSAN_OPTIONS
fi
export FUZZ_KNOWN_ISSUES

# The seed directories of a target: its own, and for the targets that read
# whole reports, every plugin's too.
seeds() {
	case $1 in
	detect|facts)
		echo $fz/corpus/$1 $fz/corpus/plugin_*
		;;
	plugin_*)
		# A plugin's own seeds, and the sample reports its golden files name.
		mkdir -p $fz/work/$1-samples
		grep -rl "\"plugin\":\"${1#plugin_}\"" tests/plugins/golden 2>/dev/null |
			while IFS= read -r g; do
				f=$(sed -n '1s/^{"file":"\([^"]*\)".*/\1/p' "$g")
				[ -f "$f" ] && cp "$f" $fz/work/$1-samples/
			done
		[ -d $fz/corpus/$1 ] && echo $fz/corpus/$1
		echo $fz/work/$1-samples
		;;
	*)
		echo $fz/corpus/$1
		;;
	esac
}

# Inputs longer than this are cut; reports need room, dates do not.
maxlen() {
	case $1 in
	datefmt) echo 256 ;;
	route) echo 2048 ;;
	conf|dirpolicy|sidecar|manifest|dojo|reportspec) echo 16384 ;;
	*) echo 65536 ;;
	esac
}

dict() {
	case $1 in
	facts|jsonscan|xmlscan|detect|plugin_*) echo "-dict=$fz/dict/report.dict" ;;
	sidecar|dojo) echo "-dict=$fz/dict/json.dict" ;;
	conf|dirpolicy|reportspec) echo "-dict=$fz/dict/conf.dict" ;;
	datefmt) echo "-dict=$fz/dict/date.dict" ;;
	*) ;;
	esac
}

run_one() {
	t=$1
	rm -f $fz/logs/$t.rc $fz/logs/$t.cpu
	: >$fz/logs/$t.log
	mkdir -p $fz/work/$t
	# Reproducers of earlier findings first: fixed ones must stay fixed.
	set -- $fz/crashes/$t-*
	if [ -e "$1" ]; then
		if ! $fz/bin/fuzz_$t -close_fd_mask=2 "$@" >>$fz/logs/$t.log 2>&1; then
			echo 1 >$fz/logs/$t.rc
			return
		fi
	fi
	timer=
	[ -x /usr/bin/time ] && timer="/usr/bin/time -o $fz/logs/$t.cpu -f %U+%S"
	# stderr of the target itself (log lines of a bad config) is dropped
	# with -close_fd_mask=2; libFuzzer's and the sanitizers' reports stay.
	# shellcheck disable=SC2046,SC2086
	$timer $fz/bin/fuzz_$t -max_total_time="$time" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=$(maxlen "$t") $(dict "$t") -close_fd_mask=2 -print_final_stats=1 \
	    -artifact_prefix=$fz/artifacts/$t- $opts $fz/work/$t $(seeds "$t") \
	    >>$fz/logs/$t.log 2>&1
	echo $? >$fz/logs/$t.rc
}

running=0
for t in "$@"; do
	if [ ! -x $fz/bin/fuzz_$t ]; then
		echo "fuzz_$t: not built (make fuzz-build)" >$fz/logs/$t.log
		echo 1 >$fz/logs/$t.rc
		continue
	fi
	run_one "$t" &
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait

failed=0
for t in "$@"; do
	log=$fz/logs/$t.log
	rc=$(cat $fz/logs/$t.rc 2>/dev/null || echo 1)
	# -fork=N runs print "#N: cov: ..." (their children the stat:: lines).
	execs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(sed -n 's/.*[ 	]cov: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	cpu=$(cat $fz/logs/$t.cpu 2>/dev/null | tail -n 1)
	[ -n "$cpu" ] && cpu=$(echo "$cpu" | awk -F+ '{ printf "%.0fs cpu", $1 + $2 }')
	if [ "$rc" = 0 ]; then
		printf 'fuzz_%-18s ok    %10s execs  cov %-6s %s\n' "$t" "${execs:-?}" "${cov:-?}" "$cpu"
	else
		printf 'fuzz_%-18s FAIL  (exit %s, see %s)\n' "$t" "$rc" "$log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*broken promise|artifact_prefix|Test unit written|ERROR: libFuzzer|Running: )' \
		    "$log" | head -n 8 | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done
echo "fuzz: $# targets, $failed failed, ${time}s each"
[ $failed -eq 0 ]
