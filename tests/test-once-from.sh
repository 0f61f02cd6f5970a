#!/bin/sh
# once --from: read-only media imported without a single write to them; the
# same media a second time imports nothing; a tampered or unlisted report
# stops the batch before any upload; a bad signature stops it; a file the
# manifest lists but the media lacks is reported; server down leaves the
# checked batch queued (exit 3) and a later `once` uploads it; the run
# record lists every file with its outcome; --dry-run sends and writes
# nothing.
. tests/lib.sh

command -v gpg >/dev/null 2>&1 && command -v gpgv >/dev/null 2>&1 ||
	{ echo "gpg and gpgv are not installed (gnupg, gpgv)"; exit 77; }

start_fakedojo
write_conf
SPOOL=$T/drop/.dojobridge
M=$T/media

# make_media DIR: three reports in a drop layout, one with a sidecar, and SHA256SUMS.
make_media() {
	mkdir -p "$1/Team A/web/nightly" "$1/Team A/api/ci" "$1/Team B/infra/weekly"
	cp tests/data/scans/zap/some_2.9.0.xml "$1/Team A/web/nightly/zap.xml"
	cp tests/data/scans/trivy/issue_9333.json "$1/Team A/api/ci/trivy.json"
	printf '{"version": "1.4.2", "tags": ["media"]}\n' >"$1/Team A/api/ci/trivy.json.dojo.json"
	cp tests/data/scans/nmap/nmap_1port.xml "$1/Team B/infra/weekly/nmap.xml"
	(cd "$1" && find . -type f ! -name 'SHA256SUMS*' | LC_ALL=C sort | sed 's|^\./||' |
		while IFS= read -r f; do sha256sum "$f"; done >SHA256SUMS)
}

# fingerprint DIR: every entry's path, size, mtime, ctime, mode and content hash.
fingerprint() {
	(cd "$1" && find . -printf '%p %s %T@ %C@ %m\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

uploads() { _n=$(grep -c '"path": "/api/v2/reimport-scan/"' "$T/requests.jsonl" 2>/dev/null); echo "${_n:-0}"; }

# from [ARGS...]: once --from $M on a read-only bind mount of it when this
# machine allows one (a user namespace), else on the tree as it is.
from() {
	if [ "${RO_MOUNT:-}" = yes ]; then
		unshare -rm sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift &&
			exec "$@"' sh "$M" $DOJOBRIDGE -c "$T/conf.d" once --from "$M" "$@"
	else
		$DOJOBRIDGE -c "$T/conf.d" once --from "$M" "$@"
	fi
}

make_media "$M"
if unshare -rm sh -c "mount --bind '$M' '$M' && mount -o remount,ro,bind '$M' && ! touch '$M/x'" \
	2>/dev/null; then
	RO_MOUNT=yes
	echo "media on a read-only bind mount"
else
	echo "no user namespaces here: the media's fingerprint alone proves it unchanged"
fi
before=$(fingerprint "$M")

echo "--- a dry run: checks and plans, sends and writes nothing"
from --dry-run >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out" "$T/err"
[ $rc -eq 0 ] || fail "dry run exited $rc"
[ "$(grep -c 'would import' "$T/out")" = 3 ] || fail "dry run should plan 3 imports"
[ "$(uploads)" = 0 ] || fail "dry run uploaded"
[ ! -e "$SPOOL" ] || fail "dry run created the spool"

echo "--- first import"
from --label "USB 7" --json >"$T/run1.json" 2>"$T/err"
rc=$?
cat "$T/run1.json" "$T/err"
[ $rc -eq 0 ] || fail "first run exited $rc"
[ "$(uploads)" = 3 ] || fail "3 uploads expected, got $(uploads)"
[ "$before" = "$(fingerprint "$M")" ] || fail "the media changed"
"$PYTHON" - "$T/run1.json" "$SPOOL" "$T/requests.jsonl" <<'PY' || fail "run record"
import glob, json, sys
run = json.load(open(sys.argv[1]))
assert run["label"] == "USB 7" and run["media"].endswith("/media"), run
assert run["manifest"]["entries"] == 4 and run["manifest"]["signature"] == "none", run["manifest"]
assert (run["imported"], run["failed"], run["queued"], run["skipped"]) == (3, 0, 0, 0), run
files = {f["file"]: f for f in run["files"]}
assert set(files) == {"Team A/web/nightly/zap.xml", "Team A/api/ci/trivy.json",
                      "Team B/infra/weekly/nmap.xml"}, files
for f in files.values():
    assert f["outcome"] == "imported" and f["test_id"] and len(f["sha256"]) == 64, f
    assert f["product_type"] and f["product"] and f["engagement"], f
# Scan dates: the report's own where its parser does not read it (ZAP, Trivy).
assert files["Team A/web/nightly/zap.xml"]["scan_date_source"] == "report", files
assert files["Team A/web/nightly/zap.xml"]["scan_date"] == "2020-05-12", files
# The record on disk is the same document, beside a human one.
recs = glob.glob(sys.argv[2] + "/runs/*.json")
assert len(recs) == 1 and json.load(open(recs[0]))["run"] == run["run"], recs
txt = open(recs[0][:-5] + ".txt").read()
assert "USB 7" in txt and "zap.xml" in txt and "SCAN DATE (FROM)" in txt and "2020-05-12 (report)" in txt, txt
# The sidecar travelled with its report.
ups = [json.loads(l) for l in open(sys.argv[3])]
ups = [u for u in ups if u["path"] == "/api/v2/reimport-scan/"]
trivy = [u for u in ups if u["fields"].get("scan_type") == "Trivy Scan"][0]
assert trivy["fields"].get("version") == "1.4.2", trivy["fields"]
# Receipts say which media each import came from.
recs = [json.loads(l) for l in open(sys.argv[2] + "/receipts.jsonl")]
assert len(recs) == 3 and all(r["media"] == run["media"] for r in recs), recs
PY
[ "$(ls "$SPOOL/ledger" | wc -l)" = 3 ] || fail "3 ledger entries"

echo "--- the same media again: nothing imported twice"
from >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out" "$T/err"
[ $rc -eq 0 ] || fail "second run exited $rc"
[ "$(uploads)" = 3 ] || fail "second run uploaded"
grep -q '^0 imported, 0 failed, 0 left queued, 3 skipped' "$T/out" || fail "second run summary"
grep -q 'already imported into this test on' "$T/out" || fail "skip reason"
[ "$(count_in "$SPOOL/done")" = 3 ] || fail "done/ should still hold 3"
[ "$before" = "$(fingerprint "$M")" ] || fail "the media changed"

echo "--- --force imports them again"
from --force >"$T/out" 2>"$T/err" || fail "--force run"
[ "$(uploads)" = 6 ] || fail "--force should upload 3 more"

echo "--- runs lists the three runs"
$DOJOBRIDGE -c "$T/conf.d" runs >"$T/runs" || fail "runs"
cat "$T/runs"
[ "$(grep -c '/media' "$T/runs")" = 3 ] || fail "runs should list 3 runs (a dry run is not recorded)"
grep -q 'USB 7' "$T/runs" || fail "runs shows the label"
first=$(ls "$SPOOL/runs" | sed -n 's/\.json$//p' | head -n 1)
$DOJOBRIDGE -c "$T/conf.d" runs "$first" | grep -q 'label USB 7' || fail "runs RUN shows the record"

echo "--- a tampered report stops the batch before any upload"
M2=$T/media2
make_media "$M2"
cp tests/data/scans/semgrep/many_findings.json "$M2/Team A/api/ci/semgrep.json"
(cd "$M2" && sha256sum "Team A/api/ci/semgrep.json" >>SHA256SUMS)
printf ' ' >>"$M2/Team B/infra/weekly/nmap.xml"
M=$M2
from >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out" "$T/err"
[ $rc -eq 1 ] || fail "tampered media: exit $rc, expected 1"
[ "$(uploads)" = 6 ] || fail "tampered media: something was uploaded"
grep -q 'STOPPED before any upload' "$T/out" || fail "stopped line"
grep -q 'Team B/infra/weekly/nmap.xml has SHA-256 .* but SHA256SUMS says' "$T/out" || fail "mismatch named"
[ "$(count_in "$SPOOL/tmp")$(count_in "$SPOOL/queue")" = 00 ] || fail "stopped batch left copies"

echo "--- an unlisted report stops it too, unless --allow-unlisted"
M3=$T/media3
make_media "$M3"
cp tests/data/scans/semgrep/many_findings.json "$M3/Team A/api/ci/semgrep.json"
M=$M3
from >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out"
[ $rc -eq 1 ] || fail "unlisted: exit $rc"
grep -q 'semgrep.json is not listed in SHA256SUMS' "$T/out" || fail "unlisted named"
[ "$(uploads)" = 6 ] || fail "unlisted: something was uploaded"
from --allow-unlisted >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out"
[ $rc -eq 0 ] || fail "--allow-unlisted: exit $rc"
grep -q '^1 imported, 0 failed, 0 left queued, 3 skipped' "$T/out" || fail "--allow-unlisted summary"

echo "--- a file the manifest lists but the media lacks is reported"
rm "$M3/Team B/infra/weekly/nmap.xml"
from --allow-unlisted --json >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 1 ] || fail "missing: exit $rc"
py "import json; r = json.load(open('$T/out')); assert r['missing'] == ['Team B/infra/weekly/nmap.xml'], r['missing']" ||
	fail "missing file not listed"

echo "--- signed manifests"
export GNUPGHOME="$T/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg -q --batch --passphrase '' --quick-gen-key "Media <media@example.org>" ed25519 sign never 2>/dev/null ||
	fail "gpg key"
gpg -q --batch --export >"$T/media-keyring.gpg"
M4=$T/media4
make_media "$M4"
rm "$M4/Team A/api/ci/trivy.json.dojo.json"
cp tests/data/scans/burp/seven_findings.xml "$M4/Team A/web/nightly/burp.xml"
(cd "$M4" && grep -v dojo.json SHA256SUMS >S && sha256sum "Team A/web/nightly/burp.xml" >>S &&
	mv S SHA256SUMS && gpg -q --batch --detach-sign -o SHA256SUMS.sig SHA256SUMS)
M=$M4
from >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out" "$T/err"
[ $rc -eq 1 ] || fail "a signature without a keyring must stop the batch (exit $rc)"
grep -q 'no \[media\] keyring' "$T/out" || fail "no keyring named"
printf '[media]\nkeyring = %s\n' "$T/media-keyring.gpg" >"$T/conf.d/20-media.conf"
uploads_before=$(uploads)
from >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out" "$T/err"
[ $rc -eq 0 ] || fail "good signature: exit $rc"
grep -q 'signature: SHA256SUMS.sig verified with' "$T/out" || fail "verified signature shown"
[ "$(uploads)" = $((uploads_before + 1)) ] || fail "good signature: 1 new upload (burp; the rest are known bytes)"
# A manifest changed after signing (a line for a swapped report).
cp tests/data/scans/zap/some_2.9.0.xml "$M4/Team A/web/nightly/zap.xml"
printf '\n' >>"$M4/Team A/web/nightly/zap.xml"
(cd "$M4" && grep -v zap.xml SHA256SUMS >S && sha256sum "Team A/web/nightly/zap.xml" >>S && cat S >SHA256SUMS && rm S)
uploads_before=$(uploads)
from >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out" "$T/err"
[ $rc -eq 1 ] || fail "bad signature: exit $rc"
grep -q 'does not verify SHA256SUMS' "$T/out" || fail "bad signature named"
[ "$(uploads)" = "$uploads_before" ] || fail "bad signature: something was uploaded"
# require_signature (on with a keyring): an unsigned manifest is refused.
rm "$M4/SHA256SUMS.sig"
from >"$T/out" 2>"$T/err"
[ $? -eq 1 ] || fail "unsigned manifest with a keyring: expected exit 1"
grep -q 'has no signature' "$T/out" || fail "missing signature named"
rm "$T/conf.d/20-media.conf"
unset GNUPGHOME

echo "--- server down: checked, copied and queued (exit 3); the media can go; a later once uploads"
M5=$T/media5
make_media "$M5"
rm "$M5/Team A/api/ci/trivy.json.dojo.json"
sed -i '/dojo.json/d' "$M5/SHA256SUMS"
cp tests/data/scans/gitleaks/gitleaks8_many.json "$M5/Team B/infra/weekly/gitleaks.json"
(cd "$M5" && sha256sum "Team B/infra/weekly/gitleaks.json" >>SHA256SUMS)
ln -s /etc/passwd "$M5/Team A/web/nightly/passwd.xml"
M=$M5
# A product type for layouts without one (the drop section is the file's last).
echo "product_type_name = Imported" >>"$T/conf.d/10-test.conf"
stop_fakedojo
from --layout '{product}/{engagement}/{*}' >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out" "$T/err"
[ $rc -eq 3 ] || fail "server down: exit $rc, expected 3"
[ "$(count_in "$SPOOL/queue")" = 4 ] || fail "4 jobs should wait in queue/"
grep -q 'passwd.xml .*failed: not copied: it is a symbolic link' "$T/out" || fail "a link on the media is refused"
! grep -rq '^root:' "$SPOOL" || fail "a byte behind a link reached the spool"
rm -rf "$M5"
start_fakedojo --db "$T/dojo2.sqlite" --record "$T/requests2.jsonl"
sed -i "s|^url = .*|url = $URL|" "$T/conf.d/10-test.conf"
$DOJOBRIDGE -c "$T/conf.d" once >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out" "$T/err"
[ $rc -eq 0 ] || fail "later once: exit $rc"
grep -q '^4 imported, 0 failed, 0 left queued' "$T/out" || fail "later once imports the queued batch"
# The run's own layout went with the jobs: {product}/{engagement}/{*} makes "Team B" the product.
grep -q 'gitleaks.json.* Imported / Team B / infra / ' "$T/out" || fail "the --layout of the run was not kept"

echo "--- server down again; this time the daemon uploads the queued batch"
M6=$T/media6
mkdir -p "$M6/Ops/dns/q3"
cp tests/data/scans/nmap/nmap_0port.xml "$M6/Ops/dns/q3/nmap.xml"
cp tests/data/scans/burp/one_finding_with_cwe.xml "$M6/Ops/dns/q3/burp.xml"
(cd "$M6" && sha256sum Ops/dns/q3/nmap.xml Ops/dns/q3/burp.xml >SHA256SUMS)
M=$M6
sed -i "s|^url = .*|url = http://127.0.0.1:1|" "$T/conf.d/10-test.conf"
from --layout '{product_type}/{product}/{engagement}' >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 3 ] || fail "server down (daemon case): exit $rc, expected 3"
[ "$(count_in "$SPOOL/queue")" = 2 ] || fail "2 jobs should wait in queue/"
sed -i "s|^url = .*|url = $URL|" "$T/conf.d/10-test.conf"
before2=$(grep -c '"status": 201' "$T/requests2.jsonl")
start_watch
wait_for 30 '[ "$(grep -c "\"status\": 201" "$T/requests2.jsonl")" = $((before2 + 2)) ]' "the daemon should upload the batch"
# Media can be imported while the daemon runs on the same spool.
M7=$T/media7
mkdir -p "$M7/Ops/dns/q4"
cp tests/data/scans/dependency_check/single_vuln.xml "$M7/Ops/dns/q4/dependency-check-report.xml"
M=$M7
from >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out" "$T/err"
[ $rc -eq 0 ] || fail "once --from beside a running daemon: exit $rc"
grep -q '^1 imported, 0 failed' "$T/out" || fail "once --from beside the daemon imports"
grep -q 'imported without a check' "$T/err" || fail "media without SHA256SUMS are named unchecked"
stop_watch || fail "watch exit status"
grep -q 'Ops / dns / q3' "$T/watch.log" || { cat "$T/watch.log"; fail "daemon names from the run's layout"; }
! grep -rq "$TOKEN" "$SPOOL" "$T/out" "$T/err" "$T/watch.log" || fail "token leaked"
echo "all good"
