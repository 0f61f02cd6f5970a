#!/bin/sh
# report apply refuses a wrong spec before it sends anything, naming the file,
# the line (or JSON path), the block and the field: a filter field that is no
# query parameter of the model's endpoint, each legacy name DefectDojo drops
# silently, a list for severity, a value of the wrong type, an unknown or
# detail-only column, an INI or JSON syntax error.  Usage errors exit 2.
. tests/lib.sh

start_fakedojo
write_conf
export XDG_CACHE_HOME="$T/cache"

writes() {
	"$PYTHON" tests/fakedojo/fakedojo.py state --port "$PORT" |
	    "$PYTHON" -c "import json, sys; print(json.load(sys.stdin)['report_builder']['writes'])"
}
apply() { $DOJOBRIDGE -c "$T/conf.d" report apply "$@" >"$T/out" 2>"$T/err"; rc=$?; }

# refused FILE MESSAGE...: apply exits 1, says each message on stderr, writes nothing.
refused() {
	_f=$1
	shift
	apply "$_f"
	[ "$rc" = 1 ] || { cat "$T/out" "$T/err"; fail "$case: exit $rc, expected 1"; }
	for _m in "$@"; do
		grep -qF -- "$_m" "$T/err" || { cat "$T/err"; fail "$case: does not say: $_m"; }
	done
	grep -q "nothing was sent" "$T/err" || { cat "$T/err"; fail "$case: no verdict"; }
	[ "$(writes)" = 0 ] || fail "$case: something was written"
}

# block FILTER-LINES...: an INI spec in $T/spec.ini with one tabular finding block.
block() {
	{
		echo '[block "Findings"]'
		echo 'block_type = tabular'
		echo 'model_choice = finding'
		echo 'fields = title, severity'
		for _l in "$@"; do echo "$_l"; done
	} >"$T/spec.ini"
}

case="a filter field the findings endpoint does not have"
block 'filter.active = true' 'filter.activ = true'
refused "$T/spec.ini" \
    "spec.ini:6: block \"Findings\": filter activ: not a query parameter of GET /api/v2/findings/ in the server's schema, so DefectDojo would drop it without a word (did you mean active?)"

for legacy in status_any priority_greater_than severity__in mitigated_within_sla; do
	case="legacy filter $legacy"
	block "filter.$legacy = High"
	refused "$T/spec.ini" "spec.ini:5: block \"Findings\": filter $legacy: a legacy name that DefectDojo drops without a word"
done

case="a list for severity (INI)"
block 'filter.severity = Critical,High'
refused "$T/spec.ini" 'spec.ini:5: block "Findings": filter severity: takes one value, not a list ("Critical,High")'

case="a list for severity (JSON)"
cat >"$T/spec.json" <<'EOF'
{"blocks": [{"name": "Findings", "block_type": "tabular",
             "tabular_configuration": {"model_choice": "finding", "fields": ["title"]},
             "filter_entries": [{"field": "severity", "value": ["Critical", "High"]}]}]}
EOF
refused "$T/spec.json" \
    'spec.json: blocks[0] "Findings".filter_entries[0]: block "Findings": filter severity: the value must be one string, not a list'

case="a filter of another model's endpoint, and values of the wrong type"
cat >"$T/spec.ini" <<'EOF'
[block "Assets"]
block_type = tabular
model_choice = asset
fields = name
filter.prod_type = 3
filter.internet_accessible = yes
EOF
refused "$T/spec.ini" \
    'spec.ini:5: block "Assets": filter prod_type: not a query parameter of GET /api/v2/assets/' \
    'spec.ini:6: block "Assets": filter internet_accessible = "yes": takes a boolean: the string true or false'

case="an unknown column and a detail-only column in a tabular block"
cat >"$T/spec.ini" <<'EOF'
[block "Findings"]
block_type = tabular
model_choice = finding
fields = title, severty, description
EOF
refused "$T/spec.ini" \
    'spec.ini:4: block "Findings": column severty is not a field path the server offers for model finding' \
    'spec.ini:4: block "Findings": column description is for detail blocks only'

case="an unknown ordering"
block 'ordering = -colour'
refused "$T/spec.ini" 'block "Findings": ordering -colour is none of the server'"'"'s ordering fields for model finding'

case="every error at once, offline and against the server"
cat >"$T/spec.ini" <<'EOF'
[theme "T"]
primary_color = blue

[block "Findings"]
block_type = tabular
model_choice = finding
fields = title
filter.status_any = true
filter.titel = x

[template "R"]
theme = Elsewhere
block = Findings
block = Nowhere
EOF
refused "$T/spec.ini" \
    'spec.ini:1: theme "T": primary_color blue is not a colour of the form #1e3a5f' \
    'spec.ini:8: block "Findings": filter status_any: a legacy name' \
    'spec.ini:9: block "Findings": filter titel: not a query parameter' \
    'spec.ini:12: template "R": theme "Elsewhere" is neither in the spec nor on the server' \
    'spec.ini:14: template "R": block "Nowhere" is neither in the spec nor on the server' \
    '5 errors (above)'

case="a syntax error in INI names the file and the line"
printf '[block "Cover"]\nblock_type = stock\nstock_type = cover_page\nthis is no key\n' >"$T/syntax.ini"
refused "$T/syntax.ini" 'syntax.ini:4: not a valid line' 'this is no key'

case="a NUL byte in an INI spec names the line (it once read before the line's buffer)"
printf '[theme "T"]\nfooter_text = a\000b\n' >"$T/nul.ini"
refused "$T/nul.ini" 'nul.ini:2: the line holds a NUL byte'

case="an unknown key in INI names the file, line, section and key"
printf '[block "Cover"]\nblock_type = stock\nstock_typ = cover_page\n' >"$T/key.ini"
refused "$T/key.ini" 'key.ini:3: [block "Cover"] stock_typ: unknown key for a block'

case="an unknown section"
printf '[blocks "Cover"]\nblock_type = stock\n' >"$T/section.ini"
refused "$T/section.ini" 'section.ini:1: unknown section [blocks "Cover"]'

case="a syntax error in JSON names the file, the line and the column"
printf '{"blocks": [\n  {"name": "Cover",\n   "block_type": "stock" "stock_configuration": {}}]}\n' >"$T/syntax.json"
refused "$T/syntax.json" 'syntax.json:3:26: not valid JSON here'

case="a JSON spec is known by its content too"
printf '\n  {"themes": [{"name": "T", "primary_colour": "#000000"}]}\n' >"$T/json-spec"
refused "$T/json-spec" 'json-spec: themes[0] "T": unknown key "primary_colour" for a theme'

case="the same block twice"
printf '[block "A"]\nblock_type = stock\nstock_type = page_break\n[block "A"]\nblock_type = stock\n' >"$T/twice.ini"
refused "$T/twice.ini" 'twice.ini:4: block "A" is already defined at'

# Nothing of all that reached a write endpoint.
grep -q '"method": "\(POST\|PATCH\|DELETE\)", "path": "/api/v2/report' "$T/requests.jsonl" &&
	fail "a write was sent"

case="usage errors exit 2"
for args in "report" "report apply" "report frobnicate x" "report run --format docx T" \
    "report run --timeout soon T" "report apply --out x spec"; do
	# shellcheck disable=SC2086
	$DOJOBRIDGE -c "$T/conf.d" $args >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 2 ] || { cat "$T/err"; fail "$case: $args: exit $rc"; }
done
$DOJOBRIDGE -c "$T/conf.d" report run --out "$T/missing" T >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 2 ] && grep -q "missing: No such file or directory" "$T/err" || { cat "$T/err"; fail "$case: --out"; }

case="a wrong spec is wrong even when the server is down"
block 'filter.status_any = true'
stop_fakedojo
apply "$T/spec.ini"
[ "$rc" = 1 ] || { cat "$T/err"; fail "$case: exit $rc"; }
grep -q "could not check the spec against the server" "$T/err" || { cat "$T/err"; fail "$case: not said"; }
exit 0
