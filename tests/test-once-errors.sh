#!/bin/sh
# Every class of server answer ends where DESIGN.md §5 says: imported after a
# transient fault, failed/ with the server's words for a refusal, queued and
# paused (nothing failed) for a refused token or an unreachable server.
. tests/lib.sh

EXTRA_TOKENS="readonlyreadonlyreadonlyreadonlyreadonly reader"
start_fakedojo
RETRIES=1

# fresh [extra conf lines]: an empty drop tree with one ZAP report in it.
fresh() {
	rm -rf "$T/drop" "$T/conf.d"
	write_conf "$@"
	drop zap/some_2.9.0.xml "Team/app/ci/zap.xml"
}
run_once() {
	$DOJOBRIDGE -c "$T/conf.d" once >"$T/out" 2>"$T/err"
	rc=$?
	cat "$T/out" "$T/err" >>"$T/all"
}
expect() {	# expect EXIT DONE FAILED QUEUED
	[ "$rc" = "$1" ] || { cat "$T/out" "$T/err"; fail "$case: exit $rc, expected $1"; }
	[ "$(count_in "$T/drop/.dojobridge/done")" = "$2" ] || fail "$case: done/ count"
	[ "$(count_in "$T/drop/.dojobridge/failed")" = "$3" ] || fail "$case: failed/ count"
	[ "$(count_in "$T/drop/.dojobridge/queue")" = "$4" ] || fail "$case: queue/ count"
}
error_says() {
	f=$(find "$T/drop/.dojobridge/failed" -name error.json | head -n 1)
	[ -n "$f" ] || fail "$case: no error.json"
	grep -q "$1" "$f" || { cat "$f"; fail "$case: error.json does not say $1"; }
}

case="502 then success"; fresh; ctl '{"next":[{"status":502}]}'; run_once; expect 0 1 0 0
grep -q "attempt 1: HTTP 502" "$T/err" || fail "$case: the retry is not logged"
want=$("$PYTHON" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' \
	tests/data/scans/zap/some_2.9.0.xml)
grep -q "\"sha256\":\"$want\"" "$T/drop/.dojobridge/receipts.jsonl" || fail "$case: receipt sha256 after a resend"

case="connection reset then success"; fresh; ctl '{"next":[{"reset":true}]}'; run_once; expect 0 1 0 0

case="slow answer past idle_timeout"; fresh; sed -i 's/^connect_timeout.*/&\nidle_timeout = 1s/' "$T/conf.d/10-test.conf"
ctl '{"next":[{"slow":4}]}'; run_once; expect 0 1 0 0
grep -q "nothing moved for idle_timeout" "$T/err" || fail "$case: the timeout is not logged"

case="500 twice"; fresh; ctl '{"next":[{"status":500},{"status":500}]}'; run_once; expect 1 0 1 0
error_says "HTTP 500"

case="400 from the parser"
fresh; printf '[import]\nscan_type = Trivy Scan\n' >"$T/drop/Team/app/ci/.dojobridge.conf"
run_once; expect 1 0 1 0
error_says '"http_status": 400'

case="413 from a proxy"; fresh; ctl '{"next":[{"status":413}]}'; run_once; expect 1 0 1 0
error_says "413"

case="too large for max_file_size"; fresh; sed -i 's/^retries.*/&\nmax_file_size = 1k/' "$T/conf.d/10-test.conf"
# A name of its own: the stand-in may still be recording the previous case's request.
mv "$T/drop/Team/app/ci/zap.xml" "$T/drop/Team/app/ci/too-large.xml"
run_once; expect 1 0 1 0
error_says "max_file_size"
grep -q '"filename": "too-large.xml"' "$T/requests.jsonl" && fail "$case: it was sent anyway"

case="permission denied"; fresh; echo readonlyreadonlyreadonlyreadonlyreadonly >"$T/token"
run_once; expect 1 0 1 0
error_says "permission"

case="token refused"; fresh; echo 0000000000000000000000000000000000000000 >"$T/token"
drop nmap/nmap_1port.xml "Team/app/ci/nmap.xml"
run_once; expect 3 0 0 2
grep -q "Invalid token" "$T/err" || fail "$case: the refusal is not explained"
# Fixed token: the queue drains on the next run.
printf '%s\n' "$TOKEN" >"$T/token"; run_once; expect 0 2 0 0

case="server unreachable"; fresh; stop_fakedojo
run_once; expect 3 0 0 1
grep -q "cannot reach DefectDojo" "$T/err" || fail "$case: no explanation"
start_fakedojo; sed -i "s|^url = .*|url = $URL|" "$T/conf.d/10-test.conf"
run_once; expect 0 1 0 0

! grep -q "$TOKEN" "$T/all" "$T/requests.jsonl" || fail "token leaked"
echo ok
