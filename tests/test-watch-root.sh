#!/bin/sh
# A drop root that goes away and comes back (moved aside and replaced, as
# an unmount or a mount over it does) is watched again: reports dropped into
# the new root are imported.  A root missing at start is waited for.
. tests/lib.sh

start_fakedojo
write_conf "settle = 200ms" "spool = $T/spool"
rmdir "$T/drop"
start_watch
grep -q 'looking for it every 5 s' "$T/watch.log" || fail "a missing root is waited for"
mkdir -p "$T/drop/T/p1/e1"
gitleaks_report 1 >"$T/drop/T/p1/e1/r1.json"
wait_for 30 '[ "$(imports)" = 1 ]' "the root that appeared is watched"

mv "$T/drop" "$T/old-drop"
mkdir -p "$T/drop/T/p2/e1"
wait_for 20 'grep -q "watched with inotify" "$T/watch.log" && [ "$(grep -c "watched with inotify" "$T/watch.log")" -ge 2 ]' "the replaced root is watched again"
gitleaks_report 2 >"$T/drop/T/p2/e1/r2.json"
wait_for 30 '[ "$(imports)" = 2 ]' "a report in the new root is imported"
gitleaks_report 3 >"$T/old-drop/T/p1/e1/r3.json"
sleep 1
[ "$(imports)" = 2 ] || fail "the old root, moved away, is not watched any more"
stop_watch || fail "watch exited $?"
grep -q 'was moved away' "$T/watch.log" || fail "the move is logged"
