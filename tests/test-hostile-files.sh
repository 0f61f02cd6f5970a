#!/bin/sh
# Names with newlines, escapes and leading dashes are imported with escaped
# log lines and a sanitised upload name; FIFOs and symlinks are never read
# and end in failed/ with the reason.
. tests/lib.sh

start_fakedojo
write_conf
dir="$T/drop/Team/app/ci"
mkdir -p "$dir"
cp tests/data/scans/zap/some_2.9.0.xml "$dir/$(printf 'evil\n\033[31mname.xml')"
cp tests/data/scans/nmap/nmap_1port.xml "$dir/-rf --help.xml"
mkfifo "$dir/fifo.xml"
ln -s /etc/passwd "$dir/passwd.xml"

$DOJOBRIDGE -c "$T/conf.d" once >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out" "$T/err"
[ $rc -eq 1 ] || fail "exit $rc, expected 1"
grep -q '^2 imported, 2 failed' "$T/out" || fail "summary"
if grep -q "$(printf '\033')" "$T/out" "$T/err"; then fail "an escape sequence reached the output"; fi
grep -q 'evil\\n\\x1b\[31mname.xml: imported' "$T/err" || fail "escaped name not logged"
grep -q 'fifo.xml: failed: it is not a regular file (a FIFO)' "$T/err" || fail "fifo"
grep -q 'passwd.xml: failed: it is a symbolic link' "$T/err" || fail "symlink"
grep -q "root:" "$T/requests.jsonl" "$T/drop/.dojobridge/failed"/*/error.json && fail "passwd content leaked"
"$PYTHON" - "$T/requests.jsonl" <<'PY' || exit 1
import json, sys
names = sorted(json.loads(l)["files"]["file"]["filename"] for l in open(sys.argv[1])
               if json.loads(l)["path"] == "/api/v2/reimport-scan/")
assert names == ["-rf --help.xml", "evil__[31mname.xml"], names
PY
echo ok
