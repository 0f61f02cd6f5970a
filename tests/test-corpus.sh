#!/bin/sh
# Detection measured on the labelled corpus (../shared/corpus, when present):
# every report of a scan type some plugin declares is recognised as one of
# its accepted types, and no plugin claims another type's report or an
# empty one.  Prints the figures.
. tests/lib.sh

corpus=${DOJOBRIDGE_CORPUS:-$top/../shared/corpus}
plugdir=${DOJOBRIDGE_PLUGIN_DIR:-$top/plugins}
[ -f "$corpus/labels.tsv" ] || { echo "no corpus at $corpus"; exit 77; }

"$top/dojobridge" --plugin-dir "$plugdir" plugins --json >"$T/plugins.json" || fail "plugins --json"
"$PYTHON" - "$corpus" "$T" "$top/dojobridge" "$plugdir" <<'PY'
import json, subprocess, sys
corpus, T, binary, plugdir = sys.argv[1:5]
declared = set()
for p in json.load(open(T + "/plugins.json")):
    declared.update(p["scan_types"])
rows = []
for line in open(corpus + "/labels.tsv").read().splitlines()[1:]:
    f, st, accept, cls, size = line.split("\t")
    rows.append((f, st, set(accept.split(";")), cls))
files = [corpus + "/" + r[0] for r in rows]
out = subprocess.run([binary, "--plugin-dir", plugdir, "-q", "detect", "--json"] + files,
                     capture_output=True, text=True).stdout.splitlines()
assert len(out) == len(rows), (len(out), len(rows))
right = missed = wrong = false_claims = empty_claimed = 0
problems = []
for (f, st, accept, cls), line in zip(rows, out):
    r = json.loads(line)
    mine = bool(accept & declared)
    got = r["scan_type"] if r["status"] == "detected" else None
    if cls in ("detect", "detect-or-empty", "ambiguous") and mine:
        if got in accept or (cls == "ambiguous" and r["status"] == "ambiguous") or \
           (cls == "detect-or-empty" and r["status"] == "empty"):
            right += 1
        elif got is None:
            missed += 1; problems.append("missed %s (%s): %s" % (f, st, r["status"]))
        else:
            wrong += 1; problems.append("wrong %s: %s, label %s" % (f, got, st))
    elif cls == "empty":
        if got is not None:
            empty_claimed += 1; problems.append("empty file claimed: %s as %s" % (f, got))
    elif cls in ("detect", "detect-or-empty", "ambiguous") and got is not None and got not in accept:
        false_claims += 1; problems.append("false claim: %s (%s) as %s" % (f, st, got))
print("plugin scan types: %d; their corpus reports: %d right, %d wrong, %d missed" % (len(declared), right, wrong, missed))
print("other types' reports claimed: %d; empty files claimed: %d" % (false_claims, empty_claimed))
for p in problems:
    print(p)
sys.exit(1 if wrong or missed or false_claims or empty_claimed else 0)
PY
