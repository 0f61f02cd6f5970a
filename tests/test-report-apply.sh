#!/bin/sh
# report apply against the stand-in: the spec's theme, blocks and template are
# created; a second apply writes nothing; INI and JSON spell the same spec; a
# changed filter PATCHes that block alone, with its whole list; --dry-run
# prints the writes and sends none; the schema is read once, then cached; a
# filter the server drops after all is caught by the read-back; a name the
# server holds twice is refused before any write; lists are read page by page.
. tests/lib.sh

start_fakedojo
write_conf
export XDG_CACHE_HOME="$T/cache"
SPEC=tests/data/report/quarterly.ini

# rb EXPR: a Python expression over the stand-in's report_builder state (d).
rb() {
	"$PYTHON" tests/fakedojo/fakedojo.py state --port "$PORT" |
	    "$PYTHON" -c "import json, sys; d = json.load(sys.stdin)['report_builder']; print($1)"
}
writes() { rb 'd["writes"]'; }
apply() { $DOJOBRIDGE -c "$T/conf.d" report apply "$@" >"$T/out" 2>"$T/err"; rc=$?; }
expect_rc() { [ "$rc" = "$1" ] || { cat "$T/out" "$T/err"; fail "$case: exit $rc, expected $1"; }; }
schema_reads() { grep -c '"path": "/api/v2/oa3/schema/"' "$T/requests.jsonl"; }

case="first apply creates everything"
apply "$SPEC"; expect_rc 0
cat >"$T/want" <<'EOF'
created theme "Quarterly Review" (id 1)
created block "Cover Page" (id 1)
created block "Active Critical Findings" (id 2)
created block "Critical Finding Detail" (id 3)
created block "Internet-facing Assets" (id 4)
created template "Quarterly Critical Report" (id 1)
6 created, 0 updated, 0 unchanged
EOF
diff -u "$T/want" "$T/out" || fail "$case: output"
[ "$(rb '(d["writes_by_method"]["POST"], d["writes_by_method"]["PATCH"])')" = "(6, 0)" ] || fail "$case: writes"
[ "$(rb '[(b["order"], b["block_id"]) for b in d["report_templates"][0]["template_blocks"]]')" = \
    "[(0, 1), (1, 2), (2, 3), (3, 4)]" ] || fail "$case: template_blocks"
[ "$(rb 'd["report_templates"][0]["theme_id"]')" = 1 ] || fail "$case: the template's theme"
[ "$(rb 'repr(d["report_blocks"][0]["stock_configuration"]["subtitle"])')" = \
    "'Active critical findings, and what was done about them\\nduring the quarter'" ] ||
	fail "$case: a continuation line"
[ "$(rb 'd["report_blocks"][1]["filter_entries"]')" = \
    "[{'field': 'active', 'value': 'true'}, {'field': 'severity', 'value': 'Critical'}]" ] ||
	fail "$case: filter_entries"
[ "$(rb '(d["report_themes"][0]["show_page_numbers"], d["report_themes"][0]["footer_text"])')" = \
    "(True, 'Confidential - Internal Use Only')" ] || fail "$case: the theme"
# Every block written was read back.
[ "$(grep -c '"method": "GET", "path": "/api/v2/report_blocks/[0-9]*/"' "$T/requests.jsonl")" = 3 ] ||
	fail "$case: the tabular and detail blocks were not read back"

case="a second apply writes nothing"
before=$(writes)
apply "$SPEC"; expect_rc 0
[ "$(writes)" = "$before" ] || fail "$case: $(($(writes) - before)) writes"
grep -qx "0 created, 0 updated, 6 unchanged" "$T/out" || { cat "$T/out"; fail "$case: output"; }

case="the JSON spelling is the same spec"
apply tests/data/report/quarterly.json; expect_rc 0
[ "$(writes)" = "$before" ] || { cat "$T/out"; fail "$case: it wrote"; }

case="the schema is read once and cached"
[ "$(schema_reads)" = 1 ] || fail "$case: read $(schema_reads) times"
ls "$T/cache/dojobridge/"schema-*.json >/dev/null 2>&1 || fail "$case: no cache file"
apply --refresh-schema "$SPEC"; expect_rc 0
[ "$(schema_reads)" = 2 ] || fail "$case: --refresh-schema did not read it"

case="a cached schema that lacks a filter is read again"
"$PYTHON" - "$T/cache/dojobridge/"schema-*.json <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
del doc["params"]["/api/v2/findings/"]["active"]
json.dump(doc, open(sys.argv[1], "w"))
EOF
apply "$SPEC"; expect_rc 0
[ "$(schema_reads)" = 3 ] || fail "$case: not read again"
grep -q "unknown to the cached schema" "$T/err" || fail "$case: not said"

case="--dry-run of one changed filter"
"$PYTHON" - tests/data/report/quarterly.json "$T/changed.json" <<'EOF'
import json, sys
spec = json.load(open(sys.argv[1]))
spec["blocks"][1]["filter_entries"][1]["value"] = "High"
json.dump(spec, open(sys.argv[2], "w"), indent=1)
EOF
apply --dry-run "$T/changed.json"; expect_rc 0
cat >"$T/want" <<'EOF'
PATCH /api/v2/report_blocks/2/ {"filter_entries":[{"field":"active","value":"true"},{"field":"severity","value":"High"}]}
dry run: 1 write would be sent, none was
EOF
diff -u "$T/want" "$T/out" || fail "$case: output"
[ "$(writes)" = "$before" ] || fail "$case: it wrote"

case="one changed filter PATCHes that block alone, with the whole list"
apply "$T/changed.json"; expect_rc 0
[ "$(writes)" = "$((before + 1))" ] || { cat "$T/out"; fail "$case: $(($(writes) - before)) writes"; }
[ "$(rb 'd["write_requests"][-1]')" = "{'method': 'PATCH', 'path': '/api/v2/report_blocks/2/', 'body': \
{'filter_entries': [{'field': 'active', 'value': 'true'}, {'field': 'severity', 'value': 'High'}]}}" ] ||
	fail "$case: $(rb 'd["write_requests"][-1]')"
grep -qx 'updated block "Active Critical Findings" (id 2): filter_entries' "$T/out" || fail "$case: output"
grep -qx "0 created, 1 updated, 5 unchanged" "$T/out" || fail "$case: summary"
apply "$T/changed.json"; expect_rc 0
[ "$(writes)" = "$((before + 1))" ] || fail "$case: the second apply wrote"

case="a new column and a reordered template"
"$PYTHON" - "$T/changed.json" "$T/reordered.json" <<'EOF'
import json, sys
spec = json.load(open(sys.argv[1]))
spec["blocks"][3]["tabular_configuration"]["fields"].append("origin")
spec["templates"][0]["blocks"].reverse()
json.dump(spec, open(sys.argv[2], "w"))
EOF
before=$(writes)
apply "$T/reordered.json"; expect_rc 0
[ "$(writes)" = "$((before + 2))" ] || { cat "$T/out"; fail "$case: $(($(writes) - before)) writes"; }
grep -qx 'updated block "Internet-facing Assets" (id 4): tabular_configuration' "$T/out" || fail "$case: block"
grep -qx 'updated template "Quarterly Critical Report" (id 1): template_blocks_write' "$T/out" ||
	fail "$case: template"
[ "$(rb '[b["block_id"] for b in d["report_templates"][0]["template_blocks"]]')" = "[4, 3, 2, 1]" ] ||
	fail "$case: order on the server"

case="a filter the server drops after all is caught by the read-back"
ctl '{"report_builder": {"also_drop": ["verified"]}}'
cat >"$T/verified.ini" <<'EOF'
[block "Verified Findings"]
block_type = tabular
model_choice = finding
fields = title, severity
filter.active = true
filter.verified = true

[template "Verified"]
block = Verified Findings
EOF
apply "$T/verified.ini"; expect_rc 1
grep -q 'verified.ini:6: block "Verified Findings": filter verified: the server dropped it' "$T/err" ||
	{ cat "$T/err"; fail "$case: not named"; }
grep -q "no template was written" "$T/err" || fail "$case: the template"
[ "$(rb '[t["name"] for t in d["report_templates"]]')" = "['Quarterly Critical Report']" ] ||
	fail "$case: a template was written"
ctl '{"report_builder": {"also_drop": []}}'
apply "$T/verified.ini"; expect_rc 0
grep -qx 'updated block "Verified Findings" (id 5): filter_entries' "$T/out" || { cat "$T/out"; fail "$case: repair"; }

case="a name the server holds twice is refused before any write"
"$PYTHON" - "$URL" "$TOKEN" <<'EOF'
import json, sys, urllib.request
body = json.dumps({"name": "Cover Page", "block_type": "stock",
                   "stock_configuration": {"stock_type": "page_break"}}).encode()
req = urllib.request.Request(sys.argv[1] + "/api/v2/report_blocks/", body, method="POST",
                             headers={"Authorization": "Token " + sys.argv[2], "Content-Type": "application/json"})
urllib.request.urlopen(req).read()
EOF
before=$(writes)
apply "$SPEC"; expect_rc 1
grep -q 'block "Cover Page": the server holds 2 of that name (ids 1, 6)' "$T/err" || { cat "$T/err"; fail "$case"; }
[ "$(writes)" = "$before" ] || fail "$case: it wrote"

case="--dry-run on an empty server: every write, none sent"
ctl '{"report_builder": {"wipe": true}}'
before=$(writes)
apply --dry-run "$SPEC"; expect_rc 0
[ "$(grep -c '^POST /api/v2/report_' "$T/out")" = 6 ] || { cat "$T/out"; fail "$case: writes shown"; }
grep -q '^POST /api/v2/report_templates/ {"name":"Quarterly Critical Report",.*"theme_id":"<id of the new theme \\"Quarterly Review\\">","template_blocks_write":\[{"order":0,"block_id":"<id of the new block \\"Cover Page\\">"}' "$T/out" ||
	{ cat "$T/out"; fail "$case: the template's body"; }
grep -qx "dry run: 6 writes would be sent, none was" "$T/out" || fail "$case: summary"
[ "$(writes)" = "$before" ] || fail "$case: it wrote"

case="more objects than one page: apply pages through them"
"$PYTHON" - "$URL" "$TOKEN" <<'EOF'
import json, sys, urllib.request
for i in range(130):
    body = json.dumps({"name": f"Filler {i}", "block_type": "stock",
                       "stock_configuration": {"stock_type": "page_break"}}).encode()
    req = urllib.request.Request(sys.argv[1] + "/api/v2/report_blocks/", body, method="POST",
                                 headers={"Authorization": "Token " + sys.argv[2], "Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
EOF
apply "$SPEC"; expect_rc 0
grep -qx "6 created, 0 updated, 0 unchanged" "$T/out" || { cat "$T/out"; fail "$case: first"; }
grep -q '"path": "/api/v2/report_blocks/", "query": "limit=100&offset=100"' "$T/requests.jsonl" ||
	fail "$case: the second page was not read"
before=$(writes)
apply "$SPEC"; expect_rc 0
[ "$(writes)" = "$before" ] || { cat "$T/out"; fail "$case: the second apply wrote"; }
[ "$(rb 'len(d["report_blocks"])')" = 134 ] || fail "$case: blocks on the server"

case="the token is in no message and no record but the header"
grep -q "$TOKEN" "$T/out" "$T/err" "$T/requests.jsonl" "$T/cache/dojobridge/"* && fail "$case"
exit 0
