#!/bin/sh
# [report "name"] sections: `once` delivers its when = batch reports after a
# run that imported something (and none after a run that did not); the
# daemon delivers a when = settle report once imports into its product have
# stopped for a while (one report for a burst, none for another product);
# outboxes only ever show whole reports; a report the server fails is
# logged with its reason and changes nothing else.
. tests/lib.sh

start_fakedojo
write_conf
export XDG_CACHE_HOME="$T/cache"
$DOJOBRIDGE -c "$T/conf.d" report apply tests/data/report/quarterly.ini >"$T/out" 2>&1 ||
	{ cat "$T/out"; fail "apply"; }
ctl '{"report_builder": {"timings": {"pending": 0.1, "processing": 0.3}}}'
mkdir "$T/batch" "$T/web" "$T/mornings"
cat >"$T/conf.d/20-reports.conf" <<EOF
[report "after each batch"]
template = Quarterly Critical Report
outbox = $T/batch
when = batch

[report "web settled"]
template = Quarterly Critical Report
format = html
outbox = $T/web
when = settle 1s
product = web

# Loads, and waits for its time (its timing is tested in unit/test_outbox).
[report "mornings"]
template = Quarterly Critical Report
outbox = $T/mornings
when = daily 06:00
EOF

# whole_reports DIR N EXT: exactly N files, each a dated, complete report.
whole_reports() {
	[ "$(ls -A "$1" | wc -l | tr -d ' ')" = "$2" ] || { ls -la "$1"; fail "$1 should hold $2 reports"; }
	for f in "$1"/*; do
		[ -e "$f" ] || continue
		case $f in
		*/Quarterly_Critical_Report-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z.$3) ;;
		*) fail "unexpected file $f" ;;
		esac
		if [ "$3" = pdf ]; then
			head -c 5 "$f" | grep -q '%PDF-' && tail -c 8 "$f" | grep -q '%%EOF' || fail "$f is not a whole PDF"
		else
			grep -qi '</html>' "$f" || fail "$f is not a whole HTML document"
		fi
	done
}

echo "--- once: a run that imports delivers the batch report"
mkdir -p "$T/drop/T/web/ci"
gitleaks_report 1 >"$T/drop/T/web/ci/g1.json"
$DOJOBRIDGE -c "$T/conf.d" once >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out" "$T/err"
[ $rc -eq 0 ] || fail "once exited $rc"
grep -q 'report after each batch: delivered: ' "$T/err" || fail "the batch report is logged"
whole_reports "$T/batch" 1 pdf
whole_reports "$T/web" 0 html

echo "--- once: a run that imports nothing delivers nothing"
$DOJOBRIDGE -c "$T/conf.d" once >"$T/out" 2>"$T/err" || fail "empty once"
whole_reports "$T/batch" 1 pdf

echo "--- once: a report the server fails is logged, and the imports still count"
ctl '{"report_builder": {"next_reports": [{"fail": "Chromium ran out of memory"}]}}'
gitleaks_report 2 >"$T/drop/T/web/ci/g2.json"
$DOJOBRIDGE -c "$T/conf.d" once >"$T/out" 2>"$T/err"
rc=$?
cat "$T/err"
[ $rc -eq 0 ] || fail "a failed report changed once's exit status ($rc)"
grep -q 'report after each batch: not delivered: .*Chromium ran out of memory' "$T/err" ||
	fail "the server's reason is logged"
whole_reports "$T/batch" 1 pdf

echo "--- the daemon: a settled burst into web gives one report; api gives none"
start_watch
before=$(imports)
mkdir -p "$T/drop/T/api/ci"
gitleaks_report 3 >"$T/drop/T/api/ci/g3.json"
wait_for 20 '[ "$(imports)" = $((before + 1)) ]' "the api report is imported"
sleep 2
whole_reports "$T/web" 0 html
for n in 4 5 6; do gitleaks_report $n >"$T/drop/T/web/ci/g$n.json"; done
wait_for 20 '[ "$(imports)" = $((before + 4)) ]' "the web reports are imported"
wait_for 20 'grep -q "report web settled: delivered" "$T/watch.log"' \
	"the settled report is delivered"
sleep 2
whole_reports "$T/web" 1 html
grep -q 'report web settled: generating html from template Quarterly Critical Report' "$T/watch.log" ||
	fail "the daemon logs the report it starts"
[ "$(grep -c 'report web settled: generating' "$T/watch.log")" = 1 ] || fail "one report for the burst"
stop_watch || fail "watch exit status"
! grep -rq "$TOKEN" "$T/watch.log" "$T/err" "$T/batch" "$T/web" || fail "token leaked"
! ps -eo args | grep -v grep | grep -q -- "$TOKEN" || fail "token in a process's arguments"
echo "all good"
