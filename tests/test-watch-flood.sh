#!/bin/sh
# A flood: 20,000 reports dropped at once into new directories while the
# daemon is stopped (SIGSTOP), so that the kernel queues more events than it
# keeps (IN_Q_OVERFLOW): the daemon rescans, and every report is imported.
. tests/lib.sh

N=${FLOOD_FILES:-20000}
start_fakedojo
write_conf "settle = 200ms" "on_success = delete"
sed -i 's/^connect_timeout = 2s/connect_timeout = 2s\nmax_inflight = 8/' "$T/conf.d/10-test.conf"
S=$T/drop/.dojobridge
start_watch
i=0
while [ $i -lt 100 ]; do mkdir -p "$T/drop/T/p$i/e1"; i=$((i + 1)); done
# Every folder watched (root, T, 100 x p/e1, and the spool's queue/): the kernel lists the watches.
watches() { cat /proc/"$WATCH_PID"/fdinfo/* 2>/dev/null | grep -c '^inotify wd:'; }
wait_for 30 '[ "$(watches)" -ge 203 ]' "the new folders are watched ($(watches) watches)"
kill -STOP "$WATCH_PID"
"$PYTHON" - "$T/drop" "$N" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "T", f"p{i % 100}", "e1")
    with open(os.path.join(d, f"r{i}.json"), "w") as f:
        f.write('[{"line":"secret %d","offender":"k","commit":"%040d","repo":".","rule":"r",'
                '"file":"f","date":"2026-01-01T10:00:00Z"}]\n' % (i, i))
PY
echo "dropped $N reports"
kill -CONT "$WATCH_PID"
receipts() { _n=$(grep -c "^{" "$S/receipts.jsonl" 2>/dev/null); echo "${_n:-0}"; }
wait_for 900 '[ "$(receipts)" -ge "$N" ]' "all $N reports imported ($(receipts) so far)"
stop_watch || fail "watch exited $? after SIGTERM"
grep -q 'queue overflowed' "$T/watch.log" || fail "the overflow is logged (and rescanned)"
[ "$(count_in "$S/failed")" = 0 ] || fail "reports in failed/"
[ -z "$(find "$T/drop" -path "$S" -prune -o -type f -print)" ] || fail "reports left in the drop tree"
[ "$(grep -c '"status": 201' "$T/requests.jsonl")" = "$N" ] || fail "$N uploads acknowledged, once each"
