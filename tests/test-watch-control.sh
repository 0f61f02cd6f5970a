#!/bin/sh
# Operating the daemon: a refused token pauses everything (nothing to
# failed/) until SIGHUP after the fix; a bad configuration on SIGHUP is
# refused and the running one kept; `status`, `retry` and the metrics file;
# the out-of-order guard; a report that does not parse yet is "not
# finished", then "bad"; SIGTERM lets uploads in flight finish and leaves the
# rest queued for the next start.
. tests/lib.sh

start_fakedojo
write_conf "settle = 300ms" "max_settle = 3s"
cat >>"$T/conf.d/10-test.conf" <<CONF
[watch]
max_age = 2s
auth_retry = 1h
shutdown_timeout = 4s
metrics_file = $T/dojobridge.prom
CONF
S=$T/drop/.dojobridge

# --- a refused token pauses the queue; SIGHUP after the fix resumes at once.
printf 'ffffffffffffffffffffffffffffffffffffffff\n' >"$T/token"
start_watch
mkdir -p "$T/drop/T/p1/e1"
gitleaks_report 1 >"$T/drop/T/p1/e1/a.json"
wait_for 20 'grep -q "UPLOADS PAUSED" "$T/watch.log"' "the refused token pauses uploads"
wait_for 10 '$DOJOBRIDGE -c "$T/conf.d" status --json >"$T/status.json"; [ $? = 1 ]' "status exits 1 while paused"
"$PYTHON" - "$T/status.json" <<'PY' || exit 1
import json, sys
st = json.load(open(sys.argv[1]))
assert st["paused"] is True, st
d = st["drops"][0]["daemons"][0]
assert d["paused"] and "Invalid token" in d["pause_reason"], d
PY
$DOJOBRIDGE -c "$T/conf.d" status >"$T/status.txt"
grep -q "UPLOADS PAUSED" "$T/status.txt" || fail "status says paused"
sleep 2.5	# longer than max_age: a paused queue still fails nothing
[ "$(count_in "$S/failed")" = 0 ] || fail "a refused token must not fail reports"
printf '%s\n' "$TOKEN" >"$T/token"
kill -HUP "$WATCH_PID"
wait_for 20 '[ "$(imports)" = 1 ]' "imported at once after SIGHUP (auth_retry is 1h)"
grep -q 'config: reloaded' "$T/watch.log" || fail "reload logged"

# --- a bad configuration on SIGHUP is refused; the daemon goes on.
cp "$T/conf.d/10-test.conf" "$T/good.conf"
echo "this is not ini" >>"$T/conf.d/10-test.conf"
kill -HUP "$WATCH_PID"
wait_for 10 'grep -q "keeping the running one" "$T/watch.log"' "bad configuration refused"
cp "$T/good.conf" "$T/conf.d/10-test.conf"
gitleaks_report 2 >"$T/drop/T/p1/e1/b.json"
wait_for 20 '[ "$(imports)" = 2 ]' "still importing with the old configuration"

# --- out of order: an older report for the same test is refused.
gitleaks_report 3 >"$T/old.json"
touch -d '2020-01-01 12:00:00' "$T/old.json"
mv "$T/old.json" "$T/drop/T/p1/e1/c.json"
wait_for 20 '[ "$(count_in "$S/failed")" = 1 ]' "the older report goes to failed/"
grep -q 'older than the report already imported on' "$S"/failed/*/error.json || fail "out-of-order reason"

# --- retry: a report the server refused once goes back and is imported.
ctl '{"next":[{"status":400,"body":{"scan_type":["bad"]}}]}'
mkdir -p "$T/drop/T/p2/e1"
gitleaks_report 4 >"$T/drop/T/p2/e1/d.json"
wait_for 20 '[ "$(count_in "$S/failed")" = 2 ]' "the 400 goes to failed/"
job=$(grep -l '"http_status": 400' "$S"/failed/*/error.json | head -n 1 | xargs dirname | xargs basename)
$DOJOBRIDGE -c "$T/conf.d" retry "$job" >"$T/retry.out" 2>&1 || { cat "$T/retry.out"; fail "retry exited $?"; }
wait_for 20 '[ "$(imports)" = 3 ]' "the retried job is imported"
# The receipt follows the server's answer: wait for the move, not just the request.
wait_for 20 '[ -f "$S/done/$job/error.previous.json" ]' "the earlier error is kept"
$DOJOBRIDGE -c "$T/conf.d" retry no-such-job 2>"$T/retry.err" && fail "retry of an unknown job must fail"
grep -q 'no failed job no-such-job' "$T/retry.err" || fail "retry names the unknown job"

# --- not finished yet, then finished: a writer still holding the file open.
mkdir -p "$T/drop/T/p3/e1"
(
	exec 3>"$T/drop/T/p3/e1/slow.json"
	printf '[{"line":"x","offender":' >&3
	sleep 2		# past settle: claimed, and it does not parse yet
	printf '"y","commit":"%040d","repo":".","rule":"r","file":"f","date":"2026-01-01T00:00:00Z"}]\n' 7 >&3
	exec 3>&-
)
wait_for 20 '[ "$(imports)" = 4 ]' "the report finished while claimed is imported"
grep -q 'slow.json: not finished yet' "$T/watch.log" || fail "not finished yet logged"
# ...and a report that never parses is bad once max_settle passed.
printf 'this is no report\n' >"$T/drop/T/p3/e1/junk.json"
wait_for 20 '[ "$(count_in "$S/failed")" = 2 ]' "junk goes to failed/ after max_settle"
grep -q '"stage": "detect"' "$(grep -l junk.json "$S"/failed/*/error.json)" || fail "junk fails at detection"

# --- metrics.
wait_for 5 'grep -q "dojobridge_reports_total{drop=\"lab\",outcome=\"imported\"} 4" "$T/dojobridge.prom"' "metrics file"
grep -q '^dojobridge_upload_duration_seconds_count 4' "$T/dojobridge.prom" || fail "duration histogram"
grep -q '^dojobridge_last_success_timestamp_seconds [1-9]' "$T/dojobridge.prom" || fail "last success"

# --- SIGTERM with uploads in flight: they finish; the rest stays queued.
ctl '{"slow": 2}'
for i in 10 11 12; do mkdir -p "$T/drop/T/q$i/e1"; gitleaks_report $i >"$T/drop/T/q$i/e1/r.json"; done
gitleaks_report 13 >"$T/drop/T/q10/e1/later.json"
wait_for 20 '[ "$(ls "$S/active/"*/ | grep -c Z)" -ge 4 ]' "four reports claimed"
sleep 0.5
stop_watch || fail "watch exited $? after SIGTERM"
grep -q 'stopping' "$T/watch.log" || fail "stop logged"
[ "$(imports)" = 7 ] || fail "the three uploads in flight finish before the exit ($(imports) imports)"
[ "$(count_in "$S/queue")" = 1 ] || fail "the report not yet started is queued for the next start"
ctl '{"slow": 0}'
start_watch
wait_for 20 '[ "$(imports)" = 8 ]' "the queued report is imported after the restart"
# And past shutdown_timeout an upload is abandoned, not lost.
ctl '{"slow": 30}'
mkdir -p "$T/drop/T/q20/e1"; gitleaks_report 20 >"$T/drop/T/q20/e1/r.json"
wait_for 20 '[ "$(ls "$S/active/"*/ | grep -c Z)" -ge 1 ]' "claimed"
sleep 1
stop_watch || fail "watch exited $? after SIGTERM"
[ "$(count_in "$S/queue")" = 1 ] || fail "the abandoned upload is queued again"
ctl '{"slow": 0}'
start_watch
wait_for 20 '[ "$(count_in "$S/queue")" = 0 ] && [ "$(count_in "$S/done")" = 9 ]' "nothing lost"
stop_watch

# --- oldest report first within a target, whatever order the files came in.
mkdir -p "$T/drop/T/ord/e1"
for d in 03 01 02; do
	gitleaks_report "2$d" >"$T/drop/T/ord/e1/r$d.json"
	touch -d "2026-01-$d 12:00:00" "$T/drop/T/ord/e1/r$d.json"
done
start_watch
wait_for 20 '[ "$(count_in "$S/done")" = 12 ]' "the three reports of one target imported"
stop_watch
"$PYTHON" - "$T/requests.jsonl" <<'PY' || exit 1
import json, sys
names = [json.loads(l)["files"]["file"]["filename"] for l in open(sys.argv[1]) if '"r0' in l]
assert names == ["r01.json", "r02.json", "r03.json"], names
PY
! grep -q "$TOKEN" "$T/watch.log" "$S/hosts/"*.json "$T/dojobridge.prom" || fail "token leaked"
exit 0
