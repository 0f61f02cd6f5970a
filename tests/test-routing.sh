#!/bin/sh
# Layout errors, unknown and empty files, sidecars and folder policies.
. tests/lib.sh

start_fakedojo
write_conf 'layout = {product}/{engagement}' 'product_type_name = Security'
mkdir -p "$T/drop/web/ci" "$T/drop/deep/er/than/layout"
cp tests/data/scans/zap/some_2.9.0.xml "$T/drop/misplaced.xml"
cp tests/data/scans/zap/some_2.9.0.xml "$T/drop/deep/er/than/layout/zap.xml"
echo 'just some notes' >"$T/drop/web/ci/notes.txt"
echo '[]' >"$T/drop/web/ci/empty.json"
cp tests/data/scans/trivy/issue_9333.json "$T/drop/web/ci/trivy.json"
printf '{"version": "1.4.2", "build_id": "77", "tags": ["nightly", "release"], "commit_hash": "abc123"}\n' \
	>"$T/drop/web/ci/trivy.json.dojo.json"
cp tests/data/scans/semgrep/one_finding.json "$T/drop/web/ci/semgrep.json"
printf '{"version": 5, "nonsense": true}\n' >"$T/drop/web/ci/semgrep.json.dojo.json"
mkdir -p "$T/drop/web/nightly"
cp tests/data/scans/nmap/nmap_1port.xml "$T/drop/web/nightly/nmap.xml"
printf '[import]\nminimum_severity = High\ntest_title = nightly {target}\nenvironment = Staging\n' \
	>"$T/drop/web/.dojobridge.conf"
printf '[import]\nenvironment = Production\n' >"$T/drop/web/nightly/.dojobridge.conf"

$DOJOBRIDGE -c "$T/conf.d" once --json >"$T/out.json" 2>"$T/err"
rc=$?
cat "$T/out.json" "$T/err"
[ $rc -eq 1 ] || fail "exit $rc, expected 1 (some failed)"

"$PYTHON" - "$T" <<'PY' || exit 1
import json, os, sys, glob
T = sys.argv[1]
out = json.load(open(T + "/out.json"))
by = {j["file"]: j for j in out["jobs"]}
assert by["web/ci/trivy.json"]["outcome"] == "imported", by["web/ci/trivy.json"]
assert by["web/nightly/nmap.xml"]["outcome"] == "imported"
for f in ("misplaced.xml", "deep/er/than/layout/zap.xml", "web/ci/notes.txt", "web/ci/empty.json",
          "web/ci/semgrep.json"):
    assert by[f]["outcome"] == "failed", (f, by[f])
assert "{product}/{engagement}" in by["misplaced.xml"]["detail"], by["misplaced.xml"]
assert "exactly 2 deep" in by["deep/er/than/layout/zap.xml"]["detail"]
assert "no plugin recognises" in by["web/ci/notes.txt"]["detail"]
assert "close every open finding" in by["web/ci/empty.json"]["detail"]
assert '"nonsense"' in by["web/ci/semgrep.json"]["detail"]
errors = {}
for e in glob.glob(T + "/drop/.dojobridge/failed/*/error.json"):
    d = json.load(open(e))
    errors[d["file"]] = d
    assert d["what_to_do"], d
    assert os.path.exists(os.path.dirname(e) + "/report"), "the report is kept beside error.json"
assert set(errors) == {"misplaced.xml", "deep/er/than/layout/zap.xml", "web/ci/notes.txt",
                       "web/ci/empty.json", "web/ci/semgrep.json"}, errors.keys()
# A failed report keeps its sidecar too.
assert glob.glob(T + "/drop/.dojobridge/failed/*/sidecar.json")

reqs = [json.loads(l) for l in open(T + "/requests.jsonl")]
ups = {r["files"]["file"]["filename"]: r["fields"] for r in reqs if r["path"] == "/api/v2/reimport-scan/"}
t = ups["trivy.json"]
assert t["product_type_name"] == "Security" and t["product_name"] == "web" and t["engagement_name"] == "ci", t
assert t["version"] == "1.4.2" and t["build_id"] == "77" and t["commit_hash"] == "abc123", t
assert t["tags"] == "nightly,release", t
assert t["minimum_severity"] == "High" and t["environment"] == "Staging", t
assert t["test_title"].startswith("nightly "), t
n = ups["nmap.xml"]
assert n["environment"] == "Production", n   # the nearer folder policy wins
assert n["minimum_severity"] == "High", n
PY

# A broken folder policy fails every report below it, and is reported once.
mkdir -p "$T/drop/shop/ci"
printf '[import]\nminimum_severity = Severe\n' >"$T/drop/shop/.dojobridge.conf"
cp tests/data/scans/nmap/nmap_1port.xml "$T/drop/shop/ci/a.xml"
cp tests/data/scans/nmap/nmap_1port.xml "$T/drop/shop/ci/b.xml"
$DOJOBRIDGE -c "$T/conf.d" once >"$T/out" 2>"$T/err"
[ $? -eq 1 ] || { cat "$T/out" "$T/err"; fail "bad policy: exit"; }
grep -q '^0 imported, 2 failed' "$T/out" || { cat "$T/out"; fail "bad policy: summary"; }
[ "$(grep -c 'shop/.dojobridge.conf:2: \[import\] minimum_severity' "$T/err")" = 1 ] ||
	{ cat "$T/err"; fail "the policy error should be logged once"; }
grep -q 'a.xml: failed: the folder policy .*/shop/.dojobridge.conf has errors' "$T/err" || fail "bad policy: reason"
echo ok
