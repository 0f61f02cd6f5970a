#!/bin/sh
# docs-coverage.sh — every command and long option of `dojobridge --help` is
# in dojobridge(8) (or, for `report`, dojobridge-report(8)); every
# configuration key the loader knows is a tagged entry of dojobridge.conf(5)
# and a line of the shipped conf.d reference; every option of
# `./configure --help` is in README.md.
# Exit 0 pass, 1 fail (printing what is missing), 77 skip.

cd "$(dirname "$0")/.." || exit 1

[ -x ./dojobridge ] || { echo "./dojobridge is not built (run make)"; exit 77; }
for f in docs/dojobridge.8 docs/dojobridge-report.8 docs/dojobridge.conf.5 conf.d/00-dojobridge.conf README.md core/conf.c; do
	[ -f "$f" ] || { echo "missing file: $f"; exit 1; }
done

missing=0
miss() {
	echo "missing: $*"
	missing=$((missing + 1))
}

# The tag lines of a man page (the line after each .TP or .TQ), with roff's
# \- turned into - and font escapes removed, so that a test reads what the
# reader sees.
tags() {
	awk 'tag { print; tag = 0; next } /^\.(TP|TQ)/ { tag = 1 }' "$1" |
	    sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(dq/"/g'
}

# --- dojobridge(8): commands and long options of the usage text -----------
help=$(./dojobridge --help) || { echo "./dojobridge --help failed"; exit 1; }
man8_tags=$(tags docs/dojobridge.8; tags docs/dojobridge-report.8)
commands=$(printf '%s\n' "$help" |
    awk '/^Commands:/ { on = 1; next } /^Options:/ { on = 0 } on && /^  [a-z]/ { print $1 }')
[ -n "$commands" ] || { echo "no commands found in --help"; exit 1; }
for c in $commands; do
	printf '%s\n' "$man8_tags" | grep -Eq "^\.B[IR]* \"?$c([ \"]|\$)" ||
		miss "command $c: no entry in docs/dojobridge.8 or dojobridge-report.8 (COMMANDS)"
done
longopts=$(printf '%s\n' "$help" | grep -o -- '--[a-z][a-z-]*' | sort -u)
for o in $longopts; do
	printf '%s\n' "$man8_tags" | grep -Fq -- "$o" ||
		miss "option $o: no entry in docs/dojobridge.8 or dojobridge-report.8"
done

# --- configuration keys: from the loader's own source ----------------------
# The keys dojo_key() and drop_key() compare, and the names of import_keys[].
func_keys() {
	awk -v fn="$1" '
	    $0 ~ "^" fn "\\(" { on = 1 }
	    on && /^}/ { on = 0 }
	    on { print }' core/conf.c |
	    grep -o 'strcmp(key, "[a-z_]*")' | sed 's/.*"\(.*\)".*/\1/'
}
dojo_keys=$(func_keys dojo_key)
drop_keys=$(func_keys drop_key)
watch_keys=$(func_keys watch_key)
media_keys=$(func_keys media_key)
report_keys=$(func_keys report_key)
detect_keys=$(func_keys detect_key)
signature_keys=$(func_keys signature_key)
import_keys=$(sed -n 's/^[[:space:]]*\[IK_[A-Z_]*\] = { "\([a-z_]*\)".*/\1/p' core/conf.c)
for set in dojo_keys drop_keys watch_keys media_keys report_keys detect_keys signature_keys import_keys; do
	eval "v=\$$set"
	[ -n "$v" ] || { echo "could not read $set from core/conf.c"; exit 1; }
done

conf5_tags=$(tags docs/dojobridge.conf.5)
for k in $dojo_keys $drop_keys $watch_keys $media_keys $report_keys $detect_keys $signature_keys $import_keys; do
	printf '%s\n' "$conf5_tags" | grep -Eq "^\.B[IR]* \"?$k( |\"|\$)" ||
		miss "key $k: no .TP entry in docs/dojobridge.conf.5"
	grep -Eq "^(# ?)?$k = " conf.d/00-dojobridge.conf ||
		miss "key $k: no \"# $k = ...\" line in conf.d/00-dojobridge.conf"
done

# --- configure options in README.md ----------------------------------------
confopts=$(sh ./configure --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
[ -n "$confopts" ] || { echo "no options found in ./configure --help"; exit 1; }
for o in $confopts; do
	grep -Fq -- "$o" README.md || miss "configure option $o: not in README.md"
done

nkeys=$(printf '%s\n' $dojo_keys $drop_keys $watch_keys $media_keys $report_keys $import_keys | wc -l)
if [ "$missing" -gt 0 ]; then
	echo "$missing missing"
	exit 1
fi
echo "docs cover $(echo $commands | wc -w) commands, $(echo $longopts | wc -w) options," \
    "$((nkeys + 0)) configuration keys, $(echo $confopts | wc -w) configure options"
exit 0
