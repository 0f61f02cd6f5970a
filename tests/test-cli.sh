#!/bin/sh
# Configuration errors name file, line, key and why; the token file must be
# private; plan, check, detect and plugins say the truth; exit codes hold.
. tests/lib.sh

start_fakedojo
write_conf

# A clean configuration: check passes against the stand-in.
$DOJOBRIDGE -c "$T/conf.d" check >"$T/out" 2>&1 || { cat "$T/out"; fail "check on a good setup"; }
grep -q "^ok *token accepted by the server: user" "$T/out" || { cat "$T/out"; fail "check: token line"; }
grep -q "^ok *server version: DefectDojo 2.57.2" "$T/out" || { cat "$T/out"; fail "check: version"; }
grep -q "^ok *scan types known to the server" "$T/out" || fail "check: scan types"

# Unknown key, bad value, unknown section: all reported at once, with file and line.
cat >"$T/conf.d/20-bad.conf" <<'CONF'
[import]
minimum_severity = Severe
colour = blue
[drop "lab"]
settle = soon
[dojo]
retries = many
[nonsense]
x = 1
CONF
$DOJOBRIDGE -c "$T/conf.d" once >"$T/out" 2>&1
rc=$?
cat "$T/out"
[ $rc -eq 2 ] || fail "bad config: exit $rc, expected 2"
for want in "20-bad.conf:2: \[import\] minimum_severity: must be one of Info, Low, Medium, High, Critical" \
    "20-bad.conf:3: \[import\] colour: unknown key" \
    "20-bad.conf:5: \[drop \"lab\"\] settle: must be a duration" \
    "20-bad.conf:7: \[dojo\] retries: must be a whole number" \
    "20-bad.conf:9: \[nonsense\] x: unknown section" \
    "    minimum_severity = Severe"; do
	grep -q "$want" "$T/out" || fail "missing: $want"
done
rm "$T/conf.d/20-bad.conf"

# A token file others can read is refused, and the message says how to fix it.
chmod 644 "$T/token"
$DOJOBRIDGE -c "$T/conf.d" once >"$T/out" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "readable token file: exit $rc"
grep -q "readable or writable by group or others.*chmod 600" "$T/out" || { cat "$T/out"; fail "token message"; }
chmod 600 "$T/token"

# Plain http to a host that is not loopback is refused.
sed "s|^url = .*|url = http://dojo.example.com|" "$T/conf.d/10-test.conf" >"$T/conf.d/10-test.conf.new"
mkdir -p "$T/conf2.d" && mv "$T/conf.d/10-test.conf.new" "$T/conf2.d/10-test.conf"
$DOJOBRIDGE -c "$T/conf2.d" once >"$T/out" 2>&1
[ $? -eq 2 ] && grep -q "plain http to a host that is not loopback" "$T/out" || { cat "$T/out"; fail "http refusal"; }

# plan: the exact form, offline (the stand-in sees no upload).
drop trivy/issue_9333.json "Team/api/ci/trivy-results"
n=$(wc -l <"$T/requests.jsonl")
$DOJOBRIDGE -c "$T/conf.d" plan --json "$T/drop" >"$T/plan.json" || { cat "$T/plan.json"; fail "plan"; }
[ "$(wc -l <"$T/requests.jsonl")" = "$n" ] || fail "plan contacted the server"
"$PYTHON" - "$T/plan.json" <<'PY' || exit 1
import json, sys
p = json.loads(open(sys.argv[1]).readline())
assert p["status"] == "ready", p
f = p["fields"]
assert f["scan_type"] == "Trivy Scan" and f["product_type_name"] == "Team" and f["auto_create_context"] == "true", f
assert p["upload_name"] == "trivy-results.json", p
assert p["url"].endswith("/api/v2/reimport-scan/"), p
PY
[ -f "$T/drop/Team/api/ci/trivy-results" ] || fail "plan moved the report"

# detect: exit status and the JSON shape.
$DOJOBRIDGE detect tests/data/scans/nmap/nmap_1port.xml >"$T/out" || fail "detect of a known file"
$DOJOBRIDGE detect "$T/token" >"$T/out" 2>&1 && fail "detect of a token file should fail"
ln -s /etc/passwd "$T/link.xml"
$DOJOBRIDGE detect --json "$T/link.xml" | grep -q '"status":"error".*symbolic link' || fail "symlink"

# help and usage errors.
$DOJOBRIDGE --help | grep -q "^  once" || fail "--help"
$DOJOBRIDGE frobnicate >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown command exit"
# Every plugin the tree builds loads: none refused, none missing.
nplugins=$(ls "$top"/plugins/*.c | wc -l)
$DOJOBRIDGE plugins | grep -q "^$nplugins plugins loaded" || { $DOJOBRIDGE plugins | tail -3; fail "plugins"; }
# Without --plugin-dir: the build tree's plugins, or DOJOBRIDGE_PLUGIN_PATH when set.
"$top/dojobridge" plugins | grep -q "^$nplugins plugins loaded" || fail "in-tree plugins"
DOJOBRIDGE_PLUGIN_PATH="$top/plugins/example:$top/plugins" "$top/dojobridge" plugins >"$T/out" || fail "path"
grep -q "^$((nplugins + 1)) plugins loaded" "$T/out" && grep -q "^example " "$T/out" || { cat "$T/out"; fail "DOJOBRIDGE_PLUGIN_PATH"; }
echo ok
