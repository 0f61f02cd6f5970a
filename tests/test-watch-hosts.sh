#!/bin/sh
# Two daemons (two host_ids) on one drop root: every report is imported
# exactly once.  Then one of them dies with reports in hand: once its
# heartbeat is older than claim_timeout, the other takes them over.
. tests/lib.sh

N=${HOSTS_FILES:-600}
start_fakedojo
write_conf "settle = 200ms"
mkdir -p "$T/conf.b"
cp "$T/conf.d/10-test.conf" "$T/conf.b/10-test.conf"
printf '[watch]\nhost_id = alpha\nrescan_interval = 1s\nclaim_timeout = 3s\n' >>"$T/conf.d/10-test.conf"
printf '[watch]\nhost_id = beta\nrescan_interval = 1s\nclaim_timeout = 3s\n' >>"$T/conf.b/10-test.conf"
S=$T/drop/.dojobridge

start_watch alpha "$T/conf.d"
A=$WATCH_PID
start_watch beta "$T/conf.b"
B=$WATCH_PID
i=0
while [ $i -lt "$N" ]; do
	d="$T/drop/T/p$((i % 20))/e1"
	[ -d "$d" ] || mkdir -p "$d"
	gitleaks_report $i >"$d/r$i.json"
	i=$((i + 1))
done
wait_for 120 '[ "$(count_in "$S/done")" -ge "$N" ]' "all $N reports imported"
sleep 1
"$PYTHON" - "$T/requests.jsonl" "$N" <<'PY' || exit 1
import collections, json, sys
reqs = [json.loads(l) for l in open(sys.argv[1]) if '"/api/v2/reimport-scan/"' in l]
count = collections.Counter(r["files"]["file"]["sha256"] for r in reqs)
assert len(count) == int(sys.argv[2]), len(count)
twice = [h for h, n in count.items() if n != 1]
assert not twice, f"{len(twice)} reports uploaded more than once"
PY
a=$(grep -c 'imported as' "$T/alpha.log")
b=$(grep -c 'imported as' "$T/beta.log")
echo "alpha imported $a, beta $b"
[ "$((a + b))" = "$N" ] || fail "the two logs account for $((a + b)) imports, not $N"

# alpha dies holding reports (the server is slow); beta takes them over.
ctl '{"slow": 1}'
stop_watch "$B" || fail "beta exited $?"
for i in 1 2 3 4 5 6; do mkdir -p "$T/drop/T/x$i/e1"; gitleaks_report "100$i" >"$T/drop/T/x$i/e1/r.json"; done
wait_for 20 '[ "$(ls "$S/active/alpha/" | grep -c Z)" -ge 6 ]' "alpha claimed the reports"
kill -9 "$A"
ctl '{"slow": 0}'
start_watch beta "$T/conf.b"
wait_for 30 '[ "$(count_in "$S/done")" -ge $((N + 6)) ]' "beta took over alpha's reports"
grep -q 'host alpha has not renewed its heartbeat' "$T/beta.log" || fail "takeover logged"
stop_watch
