#!/bin/sh
# demo.sh — `make demo`: the stand-in DefectDojo on loopback, a demo drop
# tree of sample reports laid out product type/product/engagement, one
# `dojobridge once`, and what was imported.  Everything lives in tests/tmp/demo.

cd "$(dirname "$0")/.." || exit 1
: "${PYTHON:=python3}"
d=$PWD/tests/tmp/demo
rm -rf "$d"
mkdir -p "$d/conf.d" "$d/drop"

"$PYTHON" tests/fakedojo/fakedojo.py --port 0 --port-file "$d/port" --db "$d/dojo.sqlite" \
	--record "$d/requests.jsonl" --token-file "$d/fake-tokens" >"$d/fakedojo.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT INT TERM
token=$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')
printf '%s superuser\n' "$token" >"$d/fake-tokens"
printf '%s\n' "$token" >"$d/token"
chmod 600 "$d/token"
i=0
while [ ! -s "$d/port" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && { cat "$d/fakedojo.log"; echo "demo: the stand-in DefectDojo did not start"; exit 1; }
	sleep 0.1
done

cat >"$d/conf.d/10-demo.conf" <<CONF
[dojo]
url = http://127.0.0.1:$(cat "$d/port")
token_file = $d/token

[drop "demo"]
path = $d/drop
layout = {product_type}/{product}/{engagement}
settle = 0
CONF

put() { mkdir -p "$d/drop/$(dirname "$2")"; cp "tests/data/scans/$1" "$d/drop/$2"; }
put zap/some_2.9.0.xml "Web Team/shop-frontend/nightly/zap-baseline.xml"
put burp/one_finding_with_cwe.xml "Web Team/shop-frontend/pentest-2024/burp.xml"
put trivy/issue_9333.json "Platform/payments-api/ci/trivy-image.json"
put anchore_grype/check_all_fields.json "Platform/payments-api/ci/grype.json"
put semgrep/many_findings.json "Platform/payments-api/ci/semgrep.json"
put gitleaks/gitleaks8_many.json "Platform/payments-api/ci/gitleaks.json"
put sarif/appendix_k2.sarif "Platform/payments-api/ci/codeql.sarif"
put dependency_check/single_vuln.xml "Platform/payments-api/ci/dependency-check-report.xml"
put nmap/nmap_1port.xml "Infrastructure/datacenter/weekly/nmap.xml"
put tenable/nessus/nessus_with_cwe-.nessus "Infrastructure/datacenter/weekly/servers.nessus"

echo "demo drop tree ($d/drop):"
(cd "$d/drop" && find . -type f | sort | sed 's|^\./|  |')
echo
echo "\$ dojobridge -c $d/conf.d once"
./dojobridge -c "$d/conf.d" once
rc=$?
echo
echo "receipts: $d/drop/.dojobridge/receipts.jsonl; requests the stand-in received: $d/requests.jsonl"
exit $rc
