#!/bin/sh
# The daemon notices every way a report can arrive: files in directories
# created an instant before, a writer that writes in two opens with a pause
# shorter than settle, atomic renames, hard links, directories moved in;
# temp names are never taken.
. tests/lib.sh

start_fakedojo
write_conf "settle = 500ms"
mkdir -p "$T/outside"

# systemd's notify socket, as Type=notify provides it.
"$PYTHON" - "$T/notify.sock" "$T/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as log:
    while True:
        msg = s.recv(4096).decode()
        log.write(msg.replace("\n", " ") + "\n")
        log.flush()
        if "STOPPING=1" in msg:
            break
PY
notify_pid=$!
wait_for 10 '[ -S "$T/notify.sock" ]' "notify socket"
NOTIFY_SOCKET=$T/notify.sock
export NOTIFY_SOCKET
start_watch
unset NOTIFY_SOCKET

# mkdir -p and a file inside at once: the new-directory race.
mkdir -p "$T/drop/Team/p1/e1" && gitleaks_report 1 >"$T/drop/Team/p1/e1/r1.json"
mkdir -p "$T/drop/Team/p2/e1" && gitleaks_report 2 >"$T/drop/Team/p2/e1/r2.json"

# A writer that writes, closes, pauses (less than settle), reopens and appends.
gitleaks_report 3 >"$T/full3"
head -c 100 "$T/full3" >"$T/drop/Team/p1/e1/two.json"
sleep 0.2
tail -c +101 "$T/full3" >>"$T/drop/Team/p1/e1/two.json"

# Atomic rename from a dotfile temp name.
mkdir -p "$T/drop/Team/p3/e1"
gitleaks_report 4 >"$T/drop/Team/p3/e1/.r4.json.tmp"
mv "$T/drop/Team/p3/e1/.r4.json.tmp" "$T/drop/Team/p3/e1/r4.json"

# A hard link: IN_CREATE, and no IN_CLOSE_WRITE in the drop folder.
gitleaks_report 5 >"$T/outside/r5.json"
ln "$T/outside/r5.json" "$T/drop/Team/p1/e1/r5.json"

# A directory tree moved in with the report already inside.
mkdir -p "$T/outside/moved/p4/e1"
gitleaks_report 6 >"$T/outside/moved/p4/e1/r6.json"
mv "$T/outside/moved" "$T/drop/Team2"

# Names that are never reports.
gitleaks_report 7 >"$T/drop/Team/p1/e1/r7.json.part"
gitleaks_report 8 >"$T/drop/Team/p1/e1/~r8.json"
gitleaks_report 9 >"$T/drop/Team/p1/e1/.r9.json"
gitleaks_report 10 >"$T/drop/Team/p1/e1/r10.json.swp"

wait_for 30 '[ "$(imports)" -ge 6 ]' "6 reports imported"
sleep 1.5	# anything wrongly taken would have been sent by now
stop_watch || fail "watch exited $? after SIGTERM"
cat "$T/watch.log"
wait $notify_pid
grep -q '^READY=1' "$T/notify.log" || fail "READY=1 sent to NOTIFY_SOCKET"
grep -q '^STOPPING=1' "$T/notify.log" || fail "STOPPING=1 sent to NOTIFY_SOCKET"

"$PYTHON" - "$T/requests.jsonl" "$T/full3" <<'PY' || exit 1
import hashlib, json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
ups = [r for r in reqs if r["path"] == "/api/v2/reimport-scan/"]
names = sorted(r["files"]["file"]["filename"] for r in ups)
assert names == ["r1.json", "r2.json", "r4.json", "r5.json", "r6.json", "two.json"], names
assert all(r["status"] == 201 for r in ups), [r["status"] for r in ups]
two = [r for r in ups if r["files"]["file"]["filename"] == "two.json"][0]
want = hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
assert two["files"]["file"]["sha256"] == want, "two.json was sent before its second write"
moved = [r for r in ups if r["files"]["file"]["filename"] == "r6.json"][0]
assert moved["fields"]["product_type_name"] == "Team2" and moved["fields"]["product_name"] == "p4", moved["fields"]
PY
wait_for 10 '[ "$(count_in "$T/drop/.dojobridge/done")" = 6 ]' "done/ should hold 6 jobs"
[ "$(count_in "$T/drop/.dojobridge/failed")" = 0 ] || fail "failed/ should be empty"
for f in r7.json.part "~r8.json" .r9.json r10.json.swp; do
	[ -f "$T/drop/Team/p1/e1/$f" ] || fail "$f was taken, but it is an ignored name"
done
grep -q 'imported as Gitleaks Scan into Team / p1 / e1' "$T/watch.log" || fail "one log line per import"

# A root on NFS (as /proc/self/mounts would say) is polled as well: status says so.
DOJOBRIDGE_TEST_FSTYPE="$T/drop=nfs4"
export DOJOBRIDGE_TEST_FSTYPE
start_watch
unset DOJOBRIDGE_TEST_FSTYPE
wait_for 10 '$DOJOBRIDGE -c "$T/conf.d" status --json >"$T/status.json" && grep -q "\"mode\":\"poll\"" "$T/status.json"' "status shows the polled root"
grep -q '"fstype":"nfs4"' "$T/status.json" || fail "status shows the file system"
gitleaks_report 11 >"$T/drop/Team/p1/e1/r11.json"
wait_for 30 '[ "$(imports)" -ge 7 ]' "imported from the polled root"
stop_watch || fail "watch exited $?"
