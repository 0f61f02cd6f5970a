#!/bin/sh
# A flood: 20,000 reports dropped at once into new directories, more events
# than the kernel queues (IN_Q_OVERFLOW: the daemon rescans), all imported.
. tests/lib.sh

N=${FLOOD_FILES:-20000}
start_fakedojo
write_conf "settle = 200ms" "on_success = delete"
sed -i 's/^connect_timeout = 2s/connect_timeout = 2s\nmax_inflight = 8/' "$T/conf.d/10-test.conf"
S=$T/drop/.dojobridge
start_watch
"$PYTHON" - "$T/drop" "$N" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "T", f"p{i % 100}", "e1")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"r{i}.json"), "w") as f:
        f.write('[{"line":"secret %d","offender":"k","commit":"%040d","repo":".","rule":"r",'
                '"file":"f","date":"2026-01-01T10:00:00Z"}]\n' % (i, i))
PY
echo "dropped $N reports"
wait_for 900 '[ "$(grep -c "^{" "$S/receipts.jsonl" 2>/dev/null)" -ge "$N" ]' "all $N reports imported ($(grep -c "^{" "$S/receipts.jsonl" 2>/dev/null) so far)"
stop_watch || fail "watch exited $? after SIGTERM"
grep -c 'overflow' "$T/watch.log"
[ "$(count_in "$S/failed")" = 0 ] || fail "reports in failed/"
[ -z "$(find "$T/drop" -path "$S" -prune -o -type f -print)" ] || fail "reports left in the drop tree"
[ "$(grep -c '"status": 201' "$T/requests.jsonl")" = "$N" ] || fail "$N uploads acknowledged, once each"
