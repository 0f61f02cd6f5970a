#!/bin/sh
# Nothing that is not a report is taken for one: the files of
# tests/data/negative and tests/data/other (package.json, pom.xml, JUnit,
# SVG, HTML, logs, CSV exports, Office files, REST answers), and every JSON
# and XML report of tests/data/scans cut short at half, at nine tenths and
# by its last byte, as a report still being written would be.  A cut report
# dropped for import fails, and nothing of it is uploaded.
. tests/lib.sh

mkdir -p "$T/cut"
"$PYTHON" - "$T/cut" <<'PY'
import os, sys
out = sys.argv[1]
n = 0
for root, dirs, files in os.walk("tests/data/scans"):
    for name in sorted(files):
        ext = name.rsplit(".", 1)[-1]
        if ext not in ("json", "jsonl", "sarif", "xml", "nessus"):
            continue
        body = open(os.path.join(root, name), "rb").read().rstrip()
        if len(body) < 16:
            continue
        flat = os.path.join(root, name).replace("/", "_")
        for tag, keep in (("half", len(body) // 2), ("most", len(body) * 9 // 10), ("last", len(body) - 1)):
            open(os.path.join(out, "%s.%s.%s" % (flat, tag, ext)), "wb").write(body[:keep])
            n += 1
print(n)
PY
$DOJOBRIDGE -q detect --json tests/data/negative/* tests/data/other/* >"$T/neg.json"
$DOJOBRIDGE -q detect --json "$T"/cut/* >"$T/cut.json"
"$PYTHON" - "$T/neg.json" "$T/cut.json" <<'PY' || exit 1
import json, sys
bad = 0
for path, what in ((sys.argv[1], "non-report"), (sys.argv[2], "cut report")):
    rows = [json.loads(l) for l in open(path)]
    for r in rows:
        if r["status"] == "detected":
            print("FAIL: %s %s taken for %s" % (what, r["file"], r["scan_type"]))
            bad += 1
        err = r["error"] or ""
        if "crashed" in err or "took longer" in err:
            print("FAIL: %s %s: %s" % (what, r["file"], err))
            bad += 1
    cut = sum(1 for r in rows if "cut short" in (r["error"] or ""))
    print("%ss: %d read, none taken for a report (%d said cut short)" % (what, len(rows), cut))
sys.exit(1 if bad else 0)
PY

# once: a ZAP report cut short fails with the reason; the server sees nothing.
start_fakedojo
write_conf
mkdir -p "$T/drop/Team/app/ci"
head -c 3000 tests/data/scans/zap/some_2.9.0.xml >"$T/drop/Team/app/ci/zap.xml"
$DOJOBRIDGE -c "$T/conf.d" once >"$T/out" 2>&1
[ $? = 1 ] || { cat "$T/out"; fail "once: exit status for a cut report"; }
grep -rq "cut short: it ends before its root element <OWASPZAPReport> closes" "$T/drop/.dojobridge/failed" ||
	{ cat "$T/out"; fail "once: the reason is not in error.json"; }
[ "$(imports)" = 0 ] || fail "once: half a report was uploaded"
