#!/bin/sh
# A tree of the ten first formats, imported by `once`: every request valid,
# every report in done/ with a receipt, names from the folders, the token
# nowhere but the Authorization header.
. tests/lib.sh

start_fakedojo
write_conf
drop zap/some_2.9.0.xml "Team A/web/nightly/zap.xml"
drop burp/one_finding_with_cwe.xml "Team A/web/nightly/burp-report.xml"
drop trivy/issue_9333.json "Team A/api/ci/trivy.json"
drop semgrep/many_findings.json "Team A/api/ci/semgrep.json"
drop anchore_grype/check_all_fields.json "Team A/api/ci/grype.json"
drop gitleaks/gitleaks8_many.json "Team A/api/ci/gitleaks-report"
drop sarif/appendix_k2.sarif "Team A/api/ci/codeql.sarif"
drop nmap/nmap_1port.xml "Team B/infra/weekly/nmap.xml"
drop tenable/nessus/nessus_with_cwe-.nessus "Team B/infra/weekly/scan.nessus"
drop dependency_check/single_vuln.xml "Team B/infra/weekly/dependency-check-report.xml"

$DOJOBRIDGE -c "$T/conf.d" once >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out" "$T/err"
[ $rc -eq 0 ] || fail "once exited $rc, expected 0"
grep -q '^10 imported, 0 failed, 0 left queued, 0 skipped' "$T/out" || fail "summary line"
[ "$(count_in "$T/drop/.dojobridge/done")" = 10 ] || fail "done/ should hold 10 jobs"
[ "$(count_in "$T/drop/.dojobridge/failed")" = 0 ] || fail "failed/ should be empty"
[ -z "$(find "$T/drop" -path "$T/drop/.dojobridge" -prune -o -type f -print)" ] || fail "reports left in the drop tree"
[ "$(wc -l <"$T/drop/.dojobridge/receipts.jsonl")" = 10 ] || fail "10 receipts"
! grep -q "$TOKEN" "$T/out" "$T/err" "$T/requests.jsonl" "$T/drop/.dojobridge/receipts.jsonl" || fail "token leaked"

"$PYTHON" - "$T/requests.jsonl" <<'PY' || exit 1
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
ups = [r for r in reqs if r["path"] == "/api/v2/reimport-scan/"]
assert len(ups) == 10, len(ups)
want = {
    "zap.xml": ("ZAP Scan", "Team A", "web", "nightly"),
    "burp-report.xml": ("Burp Scan", "Team A", "web", "nightly"),
    "trivy.json": ("Trivy Scan", "Team A", "api", "ci"),
    "semgrep.json": ("Semgrep JSON Report", "Team A", "api", "ci"),
    "grype.json": ("Anchore Grype", "Team A", "api", "ci"),
    "gitleaks-report.json": ("Gitleaks Scan", "Team A", "api", "ci"),
    "codeql.sarif": ("SARIF", "Team A", "api", "ci"),
    "nmap.xml": ("Nmap Scan", "Team B", "infra", "weekly"),
    "scan.nessus": ("Tenable Scan", "Team B", "infra", "weekly"),
    "dependency-check-report.xml": ("Dependency Check Scan", "Team B", "infra", "weekly"),
}
titles = set()
for r in ups:
    f = r["fields"]
    name = r["files"]["file"]["filename"]
    assert name in want, name
    st, pt, p, e = want.pop(name)
    assert r["status"] == 201, (name, r["status"], r["response"])
    assert r["method"] == "POST"
    assert r["auth"] == "ok", r["auth"]
    assert r["content_type"].startswith("multipart/form-data"), r["content_type"]
    assert f["scan_type"] == st, (name, f["scan_type"])
    assert f["product_type_name"] == pt and f["product_name"] == p and f["engagement_name"] == e, f
    assert f["auto_create_context"] == "true", f
    assert f.get("test_title"), (name, f)
    assert "close_old_findings" not in f  # the server's default is kept unless configured
    titles.add((p, e, f["test_title"], st))
assert not want, want
assert len(titles) == 10
PY

# Each receipt's sha256 is the report's, and what the server received.
"$PYTHON" - "$T/requests.jsonl" "$T/drop/.dojobridge/receipts.jsonl" <<'PY' || exit 1
import hashlib, json, sys
sent = {json.loads(l)["files"]["file"]["sha256"] for l in open(sys.argv[1])
        if json.loads(l)["path"] == "/api/v2/reimport-scan/"}
want = {hashlib.sha256(open("tests/data/scans/" + f, "rb").read()).hexdigest() for f in (
    "zap/some_2.9.0.xml", "burp/one_finding_with_cwe.xml", "trivy/issue_9333.json",
    "semgrep/many_findings.json", "anchore_grype/check_all_fields.json", "gitleaks/gitleaks8_many.json",
    "sarif/appendix_k2.sarif", "nmap/nmap_1port.xml", "tenable/nessus/nessus_with_cwe-.nessus",
    "dependency_check/single_vuln.xml")}
got = {json.loads(l)["sha256"] for l in open(sys.argv[2])}
assert got == want == sent, (got ^ want, sent ^ want)
PY

# The same target's next report lands in the same test; its statistics show what closed.
# DefectDojo's "second scan" sample is dated two days before its "first scan":
# the out-of-order guard refuses it, unless told to import anyway.
drop zap/zap-results-first-scan.xml "Team A/web/nightly/zap.xml"
touch -d '2 hours ago' "$T/drop/Team A/web/nightly/zap.xml"
$DOJOBRIDGE -c "$T/conf.d" once --json >"$T/first.json" || fail "first zap import"
drop zap/zap-results-second-scan.xml "Team A/web/nightly/zap.xml"
$DOJOBRIDGE -c "$T/conf.d" once >"$T/older.out" 2>&1 && fail "an older report for the same test must fail"
grep -q 'failed: older than the report already imported on 2021-06-20' "$T/older.out" || { cat "$T/older.out"; fail "out-of-order reason"; }
echo "out_of_order = import" >>"$T/conf.d/10-test.conf"
drop zap/zap-results-second-scan.xml "Team A/web/nightly/zap.xml"
$DOJOBRIDGE -c "$T/conf.d" once --json >"$T/second.json" || fail "second zap import"
"$PYTHON" - "$T/first.json" "$T/second.json" <<'PY' || exit 1
import json, sys
a = json.load(open(sys.argv[1]))["jobs"][0]
b = json.load(open(sys.argv[2]))["jobs"][0]
assert a["outcome"] == b["outcome"] == "imported", (a, b)
assert a["test_id"] == b["test_id"], (a, b)
assert b["closed"] > 0 or b["created"] > 0, b
PY
echo ok
