#!/bin/sh
# Detection measured on the labelled corpus (../shared/corpus, when present),
# with the sandbox on, as the daemon runs it.  Prints the figures; fails on
# any crash or timeout, any empty report recognised, any other type's report
# claimed, and any miss not explained in tests/data/corpus-disagreements.tsv.
. tests/lib.sh

corpus=${DOJOBRIDGE_CORPUS:-$top/../shared/corpus}
plugdir=${DOJOBRIDGE_PLUGIN_DIR:-$top/plugins}
[ -f "$corpus/labels.tsv" ] || { echo "no corpus at $corpus"; exit 77; }

"$PYTHON" - "$corpus" "$top/dojobridge" "$plugdir" "$top/tests/data/corpus-disagreements.tsv" <<'PY'
import json, os, subprocess, sys
corpus, binary, plugdir, known_file = sys.argv[1:5]
known = {}
for line in open(known_file):
    if line.strip() and not line.startswith("#"):
        f, why = line.rstrip("\n").split("\t", 1)
        known[f] = why
# API importers fetch from a server: their corpus files are its answers, not reports to drop.
api = set()
types_file = corpus + "/../reference/scan-types.tsv"
for line in (open(types_file).read().splitlines()[1:] if os.path.exists(types_file) else []):
    c = line.split("\t")
    if not c[9].startswith("no"):
        api.add(c[0])
rows, skipped = [], 0
for line in open(corpus + "/labels.tsv").read().splitlines()[1:]:
    f, st, accept, cls, size = line.split("\t")
    accept = set(accept.split(";"))
    if accept <= api:
        skipped += 1
        continue
    rows.append((f, accept, cls))
out = subprocess.run([binary, "--plugin-dir", plugdir, "-q", "detect", "--json", "--timeout", "30"]
                     + [corpus + "/" + r[0] for r in rows], capture_output=True, text=True).stdout.splitlines()
assert len(out) == len(rows), (len(out), len(rows))
n = {"detect": 0, "right": 0, "amb": 0, "amb_ok": 0, "empty": 0, "empty_ok": 0, "other": 0}
problems, explained, crashes = [], [], []
for (f, accept, cls), line in zip(rows, out):
    r = json.loads(line)
    got = r["scan_type"] if r["status"] == "detected" else None
    err = r["error"] or ""
    if "crashed on this file" in err or "took longer than" in err or "sandbox forbids" in err:
        crashes.append("%s: %s" % (f, err))
    if cls in ("detect", "detect-or-empty", "ambiguous"):
        n["detect"] += 1
        ok = got in accept or (cls == "ambiguous" and r["status"] == "ambiguous") or \
            (cls == "detect-or-empty" and r["status"] == "empty")
        if cls == "ambiguous":
            n["amb"] += 1
            n["amb_ok"] += ok
        if ok:
            n["right"] += 1
        else:
            what = "wrong: %s as %s" % (f, got) if got else "missed: %s (%s: %s)" % (f, r["status"], err)
            (explained if f in known else problems).append(what)
    elif cls == "empty":
        n["empty"] += 1
        if got is None:
            n["empty_ok"] += 1
        else:
            problems.append("empty report recognised: %s as %s" % (f, got))
    else:
        n["other"] += 1
pct = 100.0 * n["right"] / n["detect"]
print("detect rows: %d of %d right (%.2f%%); ambiguous rows right or reported ambiguous: %d of %d"
      % (n["right"], n["detect"], pct, n["amb_ok"], n["amb"]))
print("empty rows not recognised: %d of %d; broken, fixture and duplicate rows read without a crash: %d"
      % (n["empty_ok"], n["empty"], n["other"]))
print("rows of API importers (answers of a server, not reports) left out: %d" % skipped)
print("misses explained in tests/data/corpus-disagreements.tsv: %d" % len(explained))
for p in explained:
    print("  " + p)
stale = set(known) - set(p.split(": ", 1)[1].split(" ")[0] for p in explained)
for f in sorted(stale):
    print("  now right, remove from the list: " + f)
for p in crashes:
    print("CRASH " + p)
for p in problems:
    print("PROBLEM " + p)
sys.exit(1 if problems or crashes else 0)
PY
