#!/bin/sh
# Chaos: thousands of reports dropped (written in place and renamed in)
# while the daemon is killed with SIGKILL several times and the stand-in
# answers 20% of uploads with 502/503 and resets 5% of connections.  Every
# report must end imported: none in failed/, none left anywhere, none lost.
. tests/lib.sh

N=${CHAOS_FILES:-2000}
start_fakedojo --fail-rate 0.2 --reset-rate 0.05 --seed 42
write_conf "settle = 200ms" "max_settle = 2s"
cat >>"$T/conf.d/10-test.conf" <<CONF
[watch]
rescan_interval = 2s
claim_timeout = 6s
CONF
sed -i 's/^connect_timeout = 2s/connect_timeout = 2s\nmax_inflight = 8/' "$T/conf.d/10-test.conf"
S=$T/drop/.dojobridge

# The reports, written beforehand so that their hashes are known.
mkdir -p "$T/src"
i=0
while [ $i -lt "$N" ]; do
	gitleaks_report $i >"$T/src/r$i.json"
	i=$((i + 1))
done

start_watch
(
	i=0
	while [ $i -lt "$N" ]; do
		d="$T/drop/T/p$((i % 40))/e1"
		[ -d "$d" ] || mkdir -p "$d"
		if [ $((i % 2)) = 0 ]; then
			cp "$T/src/r$i.json" "$d/r$i.json"
		else
			cp "$T/src/r$i.json" "$d/.r$i.json.tmp" && mv "$d/.r$i.json.tmp" "$d/r$i.json"
		fi
		i=$((i + 1))
	done
) &
writer=$!

for round in 1 2 3 4; do
	sleep 1.5
	kill -9 "$WATCH_PID"
	wait "$WATCH_PID" 2>/dev/null
	echo "round $round: killed with $(imports) imports so far"
	start_watch
done
wait $writer
wait_for 240 '[ "$(count_in "$S/done")" -ge "$N" ]' "all $N reports imported (done/ holds $(count_in "$S/done"))"
stop_watch || fail "watch exited $? after SIGTERM"
tail -n 5 "$T/watch.log"

[ "$(count_in "$S/failed")" = 0 ] || { cat "$S"/failed/*/error.json | head -40; fail "reports in failed/"; }
[ "$(count_in "$S/queue")" = 0 ] || fail "reports left in queue/"
[ "$(count_in "$S/tmp")" = 0 ] || fail "claims left in tmp/"
[ -z "$(ls "$S"/active/*/ 2>/dev/null)" ] || fail "reports left in active/"
[ -z "$(find "$T/drop" -path "$S" -prune -o -type f -print)" ] || fail "reports left in the drop tree"
[ "$(count_in "$S/done")" = "$N" ] || fail "done/ should hold exactly $N jobs"
"$PYTHON" - "$T/requests.jsonl" "$T/src" "$N" <<'PY' || exit 1
import hashlib, json, os, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
ok = {r["files"]["file"]["sha256"] for r in reqs if r["status"] == 201 and r["path"] == "/api/v2/reimport-scan/"}
faults = sum(1 for r in reqs if r["fault"])
want = {hashlib.sha256(open(os.path.join(sys.argv[2], f), "rb").read()).hexdigest() for f in os.listdir(sys.argv[2])}
assert len(want) == int(sys.argv[3])
missing = want - ok
assert not missing, f"{len(missing)} reports never acknowledged"
print(f"{len(want)} reports, {len(reqs)} requests, {faults} faults injected, all imported")
PY
