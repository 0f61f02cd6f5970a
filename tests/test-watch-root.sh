#!/bin/sh
# A drop root that goes away and comes back (moved aside and replaced, as
# an unmount or a mount over it does) is watched again: reports dropped into
# the new root are imported.  A root missing at start is waited for.
. tests/lib.sh

start_fakedojo
# A root missing at start (an NFS mount not there yet): nothing is created
# where the mount is expected, not even the spool inside it.
write_conf "settle = 200ms"
rmdir "$T/drop"
start_watch
grep -q 'looking for it every 5 s' "$T/watch.log" || fail "a missing root is waited for"
sleep 1
[ ! -e "$T/drop" ] || fail "the daemon created the missing root"
mkdir -p "$T/drop/T/p1/e1"
gitleaks_report 1 >"$T/drop/T/p1/e1/r1.json"
wait_for 30 '[ "$(imports)" = 1 ]' "the root that appeared is watched"
# The server answers before the job reaches done/: wait for that too.
wait_for 10 '[ "$(count_in "$T/drop/.dojobridge/done")" = 1 ]' "its spool is inside it"
stop_watch || fail "watch exited $?"

# A root moved aside and replaced (its spool elsewhere on the same file system).
write_conf "settle = 200ms" "spool = $T/spool"
start_watch

mv "$T/drop" "$T/old-drop"
mkdir -p "$T/drop/T/p2/e1"
gitleaks_report 2 >"$T/drop/T/p2/e1/r2.json"
wait_for 30 '[ "$(imports)" = 2 ]' "a report in the replaced root is imported"
gitleaks_report 3 >"$T/old-drop/T/p1/e1/r3.json"
sleep 1
[ "$(imports)" = 2 ] || fail "the old root, moved away, is not watched any more"
stop_watch || fail "watch exited $?"
grep -q 'was moved away' "$T/watch.log" || fail "the move is logged"
