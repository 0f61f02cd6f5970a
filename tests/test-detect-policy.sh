#!/bin/sh
# What decides a scan type besides the plugins: prefer settles a format that
# several scan types read alike (per drop and per folder), [signature]
# sections teach a format without C, and a report its plugin reads as having
# no findings is "empty": never uploaded unless empty = upload.
. tests/lib.sh

start_fakedojo
write_conf
mkdir -p "$T/drop/Team/a/ci" "$T/drop/Team/b/ci" "$T/drop/Team/c/ci" "$T/drop/Team/d/ci"
acx=tests/data/scans/acunetix/acunetix360_one_finding.json
cp "$acx" "$T/drop/Team/a/ci/web.json"
cp "$acx" "$T/drop/Team/b/ci/web.json"
cp "$acx" "$T/drop/Team/c/ci/web.json"
printf '[import]\nprefer = Netsparker Scan\n' >"$T/drop/Team/b/.dojobridge.conf"
# A list: the first name that is a candidate wins.
printf '[import]\nprefer = Zora Parser, Invicti Scan, Netsparker Scan\n' >"$T/drop/Team/c/.dojobridge.conf"

# Without a preference the Acunetix 360 format fails, naming every reading.
$DOJOBRIDGE detect "$acx" >"$T/out"
grep -q 'ambiguous: DefectDojo reads this format as any of "Acunetix Scan", "Invicti Scan", "Netsparker Scan"; set prefer' "$T/out" ||
	{ cat "$T/out"; fail "detect does not name the candidates and the setting"; }

# A zero-findings report: empty, not uploaded, unless the folder says so.
cp tests/data/scans/bandit/no_vuln.json "$T/drop/Team/d/ci/bandit.json"
mkdir -p "$T/drop/Team/e/ci"
cp tests/data/scans/bandit/no_vuln.json "$T/drop/Team/e/ci/bandit.json"
printf '[import]\nempty = upload\n' >"$T/drop/Team/e/.dojobridge.conf"

$DOJOBRIDGE -c "$T/conf.d" once >"$T/out" 2>&1
[ $? = 1 ] || { cat "$T/out"; fail "once: exit status"; }
"$PYTHON" - "$T" <<'PY' || { cat "$T/out"; exit 1; }
import glob, json, sys
T = sys.argv[1]
reqs = [json.loads(l) for l in open(T + "/requests.jsonl")]
ups = [r["fields"] for r in reqs if r["path"] == "/api/v2/reimport-scan/" and r["status"] == 201]
by = {u["product_name"]: u for u in ups}
assert set(by) == {"b", "c", "e"}, sorted(by)
assert by["b"]["scan_type"] == "Netsparker Scan", by["b"]
assert by["c"]["scan_type"] == "Invicti Scan", by["c"]
assert by["e"]["scan_type"] == "Bandit Scan", by["e"]
errors = {}
for e in glob.glob(T + "/drop/.dojobridge/failed/*/error.json"):
    d = json.load(open(e))
    errors[d["file"]] = d["error"]
assert set(errors) == {"Team/a/ci/web.json", "Team/d/ci/bandit.json"}, errors
assert "any of \"Acunetix Scan\", \"Invicti Scan\", \"Netsparker Scan\"" in errors["Team/a/ci/web.json"], errors
assert "the Bandit Scan report lists no findings" in errors["Team/d/ci/bandit.json"], errors
PY

# prefer names DefectDojo scan types only, and says which one is wrong.
printf '[import]\nprefer = Invicti, Netsparker Scan\n' >"$T/drop/Team/b/.dojobridge.conf"
cp "$acx" "$T/drop/Team/b/ci/web.json"
$DOJOBRIDGE -c "$T/conf.d" plan "$T/drop/Team/b/ci/web.json" >"$T/out" 2>&1
grep -q '"Invicti" is not a DefectDojo 2.57.2 scan type' "$T/out" || { cat "$T/out"; fail "a bad prefer is not named"; }

# [signature] sections: a user's own format, recognised in the sandbox and out of it.
cat >"$T/conf.d/20-signatures.conf" <<'EOF'
[signature "acme"]
scan_type = Generic Findings Import
json_keys = acme_version, issues
score = 95

[signature "legacy-csv"]
scan_type = Generic Findings Import
csv_header = Host, Finding, Risk
file_name = legacy-*.csv
EOF
mkdir -p "$T/in"
printf '{"acme_version":"1.2","issues":[{"title":"x"}]}\n' >"$T/in/acme.json"
printf 'host,finding,risk\n10.0.0.1,ssh,high\n' >"$T/in/legacy-1.csv"
printf 'host,finding,risk\n10.0.0.1,ssh,high\n' >"$T/in/other.csv"
for mode in "" --no-sandbox; do
	$DOJOBRIDGE -c "$T/conf.d" detect $mode --json "$T/in/acme.json" "$T/in/legacy-1.csv" "$T/in/other.csv" >"$T/out"
	"$PYTHON" - "$T/out" <<'PY' || fail "signatures ($mode)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert rows[0]["status"] == "detected" and rows[0]["plugin"] == "signature acme" and rows[0]["score"] == 95, rows[0]
assert rows[0]["scan_type"] == "Generic Findings Import", rows[0]
assert rows[1]["plugin"] == "signature legacy-csv" and rows[1]["score"] == 90, rows[1]
assert rows[2]["status"] == "unknown", rows[2]   # the header fits, the name does not
PY
done
# Without -c there is no configuration and so no signature.
$DOJOBRIDGE detect "$T/in/acme.json" >/dev/null && fail "a signature applied without -c"

# A signature is checked like every section: file, line and key.
bad() {
	printf '%s\n' "$@" >"$T/conf.d/20-signatures.conf"
	$DOJOBRIDGE -c "$T/conf.d" detect "$T/in/acme.json" >"$T/out" 2>&1 && fail "accepted: $*"
}
bad '[signature "x"]' 'json_keys = a'
grep -q '20-signatures.conf:2: \[signature "x"\] has no scan_type' "$T/out" || { cat "$T/out"; fail "no scan_type"; }
bad '[signature "x"]' 'scan_type = Generic Findings Import'
grep -q 'gives nothing to recognise' "$T/out" || { cat "$T/out"; fail "no condition"; }
bad '[signature "x"]' 'scan_type = Generic Finding Import' 'json_keys = a'
grep -q '20-signatures.conf:2.*scan_type.*not a DefectDojo scan type' "$T/out" || { cat "$T/out"; fail "bad scan type"; }
bad '[signature "x"]' 'scan_type = Generic Findings Import' 'json_keys = a,,b'
grep -q '20-signatures.conf:3.*json_keys' "$T/out" || { cat "$T/out"; fail "empty key name"; }
bad '[signature "x"]' 'scan_type = Generic Findings Import' 'json_keys = a' 'score = 101'
grep -q '20-signatures.conf:4.*score.*1 to 100' "$T/out" || { cat "$T/out"; fail "score"; }
bad '[signature "x"]' 'scan_type = Generic Findings Import' 'xml_roots = a'
grep -q '20-signatures.conf:3.*xml_roots.*unknown key' "$T/out" || { cat "$T/out"; fail "unknown key"; }
echo "prefer, signatures and empty reports decide as configured"
