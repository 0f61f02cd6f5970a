#!/bin/sh
# Cut off from DefectDojo, the daemon keeps claiming reports, fails none of
# them, and imports them all by itself once the server is back.  A report
# that cannot be imported within max_age goes to failed/.
. tests/lib.sh

start_fakedojo
write_conf "settle = 200ms"
S=$T/drop/.dojobridge
start_watch
stop_fakedojo
for i in 1 2 3 4 5; do
	mkdir -p "$T/drop/T/p$i/e1"
	gitleaks_report $i >"$T/drop/T/p$i/e1/r.json"
done
wait_for 20 '[ "$(ls "$S/active/"*/ | grep -c Z)" = 5 ]' "the reports are claimed while the server is away"
wait_for 20 'grep -q "cannot reach DefectDojo" "$T/watch.log"' "the unreachable server is logged"
sleep 2
[ "$(count_in "$S/failed")" = 0 ] || fail "an unreachable server must not fail reports"
start_fakedojo --port "$PORT"
wait_for 60 '[ "$(count_in "$S/done")" = 5 ]' "all five imported once the server is back"

# max_age: the server away for longer than that fails the report, with the reason.
stop_fakedojo
printf '[watch]\nmax_age = 2s\n' >>"$T/conf.d/10-test.conf"
kill -HUP "$WATCH_PID"
wait_for 10 '[ "$(grep -c "config: reloaded" "$T/watch.log")" = 1 ]' "reload"
mkdir -p "$T/drop/T/p9/e1"
gitleaks_report 9 >"$T/drop/T/p9/e1/r.json"
wait_for 30 '[ "$(count_in "$S/failed")" = 1 ]' "the report too old to retry goes to failed/"
grep -q 'not imported within max_age' "$S"/failed/*/error.json || fail "max_age reason"
stop_watch || fail "watch exited $?"
