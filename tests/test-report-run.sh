#!/bin/sh
# report run against the stand-in: a completed report lands in the out
# directory under a dated name, whole (a valid PDF, or HTML), and nothing else
# does; a failed report exits 1 with the server's error_message; one slower
# than --timeout exits 1; a download cut short is tried again, and one that
# keeps failing leaves nothing behind; an unreachable server or a refused
# token exits 3; templates are found by name or id, and a name from the
# server is sanitised before it becomes a file name.
. tests/lib.sh

start_fakedojo
write_conf
export XDG_CACHE_HOME="$T/cache"
$DOJOBRIDGE -c "$T/conf.d" report apply tests/data/report/quarterly.ini >"$T/out" 2>&1 || {
	cat "$T/out"
	fail "apply"
}
ctl '{"report_builder": {"timings": {"pending": 0.1, "processing": 0.2}}}'
OUT=$T/reports
mkdir "$OUT"

run() { $DOJOBRIDGE -c "$T/conf.d" report run --out "$OUT" "$@" >"$T/out" 2>"$T/err"; rc=$?; }
expect_rc() { [ "$rc" = "$1" ] || { cat "$T/out" "$T/err"; fail "$case: exit $rc, expected $1"; }; }
says() { grep -qF -- "$1" "$T/err" || { cat "$T/err"; fail "$case: does not say: $1"; }; }
files() { ls -A "$OUT" | wc -l | tr -d ' '; }
empty_out() { rm -rf "$OUT"; mkdir "$OUT"; }

# A PDF whose cross-reference table points at each object, and which ends in %%EOF.
valid_pdf() {
	"$PYTHON" - "$1" <<'EOF'
import re, sys
data = open(sys.argv[1], "rb").read()
assert data.startswith(b"%PDF-1."), "header"
assert data.rstrip().endswith(b"%%EOF"), "trailer"
start = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data).group(1))
assert data[start:start + 4] == b"xref", "startxref"
count = int(re.match(rb"xref\s+0 (\d+)", data[start:]).group(1))
entries = re.findall(rb"(\d{10}) \d{5} n", data[start:])
assert len(entries) == count - 1, "xref entries"
for number, off in enumerate(entries, 1):
    assert data[int(off):].startswith(b"%d 0 obj" % number), f"object {number}"
EOF
}

case="by name: a PDF under a dated name, nothing else"
run "Quarterly Critical Report"; expect_rc 0
f=$(cat "$T/out")
case $f in
"$OUT"/Quarterly_Critical_Report-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z.pdf) ;;
*) fail "$case: named $f" ;;
esac
[ -f "$f" ] || fail "$case: $f is not there"
[ "$(files)" = 1 ] || { ls -A "$OUT"; fail "$case: other files in the out directory"; }
head -c 5 "$f" | grep -q '^%PDF-' || fail "$case: no %PDF- header"
tail -c 7 "$f" | grep -q '%%EOF' || fail "$case: no %%EOF"
valid_pdf "$f" || fail "$case: not a valid PDF"
says 'report 1: completed'
[ "$(grep -c '"path": "/api/v2/generated_reports/1/"' "$T/requests.jsonl")" -ge 1 ] || fail "$case: no polling"
grep -q '"method": "POST", "path": "/api/v2/generated_reports/"' "$T/requests.jsonl" || fail "$case: no POST"

case="by id, as HTML"
empty_out
run --format html 1; expect_rc 0
f=$(cat "$T/out")
case $f in "$OUT"/Quarterly_Critical_Report-*Z.html) ;; *) fail "$case: named $f" ;; esac
grep -q '<title>Quarterly Critical Report</title>' "$f" || fail "$case: not the page"
[ "$(files)" = 1 ] || fail "$case: other files"

case="a report that fails on the server"
empty_out
ctl '{"report_builder": {"next_reports": [{"fail": "WeasyPrint: block 3 has no rows"}]}}'
run "Quarterly Critical Report"; expect_rc 1
says 'failed on the server: WeasyPrint: block 3 has no rows'
[ "$(files)" = 0 ] || fail "$case: a file was left"

case="a report slower than --timeout"
ctl '{"report_builder": {"next_reports": [{"processing": 30}]}}'
t0=$(date +%s)
run --timeout 2 "Quarterly Critical Report"; expect_rc 1
t1=$(date +%s)
says 'is still processing after 2 s (--timeout)'
[ $((t1 - t0)) -le 10 ] || fail "$case: took $((t1 - t0)) s"
[ "$(files)" = 0 ] || fail "$case: a file was left"

case="a download cut short once is fetched again"
ctl '{"report_builder": {"next_downloads": ["truncate"]}}'
run "Quarterly Critical Report"; expect_rc 0
says 'the answer broke off'
f=$(cat "$T/out")
valid_pdf "$f" || fail "$case: not whole"
[ "$(files)" = 1 ] || { ls -A "$OUT"; fail "$case: other files"; }

case="a download that keeps breaking leaves nothing"
empty_out
ctl '{"report_builder": {"next_downloads": ["truncate", "truncate", "truncate", "truncate"]}}'
run "Quarterly Critical Report"; expect_rc 3
says 'the download failed'
[ "$(files)" = 0 ] || { ls -A "$OUT"; fail "$case: left $(ls -A "$OUT")"; }

case="a download the server refuses leaves nothing"
ctl '{"report_builder": {"next_downloads": [500]}}'
run "Quarterly Critical Report"; expect_rc 1
says 'HTTP 500: Internal server error, check logs for details'
[ "$(files)" = 0 ] || { ls -A "$OUT"; fail "$case: left $(ls -A "$OUT")"; }

case="an unknown template"
run "Yearly Report"; expect_rc 1
says 'no report template named "Yearly Report" on the server (it has "Quarterly Critical Report")'

case="a template name from the server is sanitised"
"$PYTHON" - "$URL" "$TOKEN" <<'EOF'
import json, sys, urllib.request
body = json.dumps({"name": "../x/ Q4 report\u001b[31m", "template_blocks_write": [{"order": 0, "block_id": 1}]})
req = urllib.request.Request(sys.argv[1] + "/api/v2/report_templates/", body.encode(), method="POST",
                             headers={"Authorization": "Token " + sys.argv[2], "Content-Type": "application/json"})
urllib.request.urlopen(req).read()
EOF
run 2; expect_rc 0
f=$(cat "$T/out")
case $f in "$OUT"/x_Q4_report_31m-*Z.pdf) ;; *) fail "$case: named $f" ;; esac
[ "$(files)" = 1 ] || { ls -A "$OUT"; fail "$case: other files"; }
[ -e "$T/x" ] && fail "$case: written outside the out directory"
says 'of template "../x/ Q4 report\x1b[31m"'

case="a name of digits that is no id is a name"
"$PYTHON" - "$URL" "$TOKEN" <<'EOF'
import json, sys, urllib.request
body = json.dumps({"name": "2024", "template_blocks_write": [{"order": 0, "block_id": 1}]})
req = urllib.request.Request(sys.argv[1] + "/api/v2/report_templates/", body.encode(), method="POST",
                             headers={"Authorization": "Token " + sys.argv[2], "Content-Type": "application/json"})
urllib.request.urlopen(req).read()
EOF
empty_out
run 2024; expect_rc 0
case $(cat "$T/out") in "$OUT"/2024-*Z.pdf) ;; *) fail "$case: named $(cat "$T/out")" ;; esac

case="the token is in no message and no file"
grep -rqF "$TOKEN" "$T/out" "$T/err" "$OUT" "$T/requests.jsonl" && fail "$case"

case="a refused token exits 3"
printf 'wrongwrongwrongwrongwrongwrongwrongwrong\n' >"$T/token"
run "Quarterly Critical Report"; expect_rc 3
says 'HTTP 403: Invalid token.'
says 'DefectDojo refused the API token'
grep -qF wrongwrong "$T/err" && fail "$case: the token is in the message"
printf '%s\n' "$TOKEN" >"$T/token"

case="an unreachable server exits 3"
empty_out
stop_fakedojo
run "Quarterly Critical Report"; expect_rc 3
says 'cannot reach DefectDojo'
[ "$(files)" = 0 ] || fail "$case: a file was left"
exit 0
