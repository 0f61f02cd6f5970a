#!/bin/sh
# lint.sh — `make lint`: functions banned in dojobridge (STYLE.md 19), unsafe
# libxml2 entry points, then cppcheck and clang-tidy over the whole tree
# (core/, watch/, plugins/, tests/unit/, tests/fuzz/, tests/plugins/).
# Prints each finding; exits 1 if any, or if a tool is missing.
#
# A finding that is not a bug is suppressed where it is, with its reason:
#   /* cppcheck-suppress ID ; why */             on the line before (cppcheck)
#   /* NOLINT(CHECK): why */ or /* NOLINTNEXTLINE(CHECK): why */   (clang-tidy)
# or, for a file that cannot carry the comment, in tests/lint-suppressions.txt
# (its header says how).  Anything else fails the run: a new finding is
# either fixed or explained.
cd "$(dirname "$0")/.." || exit 1
status=0

# --- banned functions ----------------------------------------------------------
bad=$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|atoi|atol|system|popen|gets|xmlReadFile|xmlParseFile|xmlReaderForFile)[[:space:]]*\(' \
	core/*.c core/*.h watch/*.c watch/*.h plugins/*.c plugins/example/*.c tests/unit/*.c 2>/dev/null |
	grep -vE '(snprintf|vsnprintf)\(' )
if [ -n "$bad" ]; then
	echo "banned functions:"
	echo "$bad"
	status=1
fi

# --- the static analysers ------------------------------------------------------
missing=
command -v cppcheck >/dev/null 2>&1 || missing="$missing cppcheck"
command -v clang-tidy >/dev/null 2>&1 || missing="$missing clang-tidy"
if [ -n "$missing" ]; then
	echo "lint: FAILED: not installed:$missing (Debian/Ubuntu packages cppcheck and" \
	    "clang-tidy): run ./configure --install-deps, or install them by hand" >&2
	exit 1
fi
pkgs="libcurl libxml-2.0 libcjson inih libseccomp libarchive"
# shellcheck disable=SC2086
if ! dep_cflags=$(${PKG_CONFIG:-pkg-config} --cflags $pkgs 2>/dev/null); then
	echo "lint: FAILED: pkg-config finds no flags for $pkgs: run ./configure --install-deps" >&2
	exit 1
fi

supp=tests/lint-suppressions.txt
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dojobridge-lint.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
jobs=$(nproc 2>/dev/null || echo 2)

files=$(ls core/*.c watch/*.c plugins/*.c plugins/example/*.c tests/unit/*.c tests/fuzz/*.c \
	tests/plugins/*/*.c 2>/dev/null)

# --- cppcheck ------------------------------------------------------------------
# Severities error (always on), warning, portability and performance,
# inconclusive findings too.  Not style: over this tree it gave ~130 findings
# (variable scope, const parameters, argument names) and not one bug.
# The library file tells cppcheck what it cannot see without the system
# headers: cJSON's loop macro, the log functions that never return, the
# xmem allocators (so their leaks are found too).
cat >"$tmp/dojobridge.cfg" <<'EOF'
<?xml version="1.0"?>
<def format="2">
  <define name="cJSON_ArrayForEach(element, array)" value="for (element = (array != NULL) ? (array)-&gt;child : NULL; element != NULL; element = element-&gt;next)"/>
  <function name="fatal,fatalx">
    <noreturn>true</noreturn>
    <formatstr/>
    <arg nr="1"><formatstr/><not-null/></arg>
    <arg nr="variadic"/>
  </function>
  <!-- Returns only for a broken promise listed in tests/fuzz/known-issues. -->
  <function name="fuzz_fail">
    <noreturn>true</noreturn>
    <arg nr="1"/><arg nr="2"/><arg nr="3"/>
  </function>
  <memory>
    <alloc init="false">xmalloc</alloc>
    <alloc init="true">xcalloc</alloc>
    <alloc init="true">xstrdup</alloc>
    <alloc init="true">xstrndup</alloc>
    <alloc init="true">xasprintf</alloc>
    <realloc init="false">xrealloc</realloc>
    <dealloc>free</dealloc>
  </memory>
</def>
EOF
# cppcheck gets the suppressions file without its comments (it would read a
# lone "#" as a suppression) and without the lines for clang-tidy.
grep -v -e '^#' -e '^[[:space:]]*$' -e '^clang-tidy[[:space:]]' "$supp" >"$tmp/cppcheck.supp"
# -D__CPPCHECK__: cppcheck defines it itself only when given no -D.
# shellcheck disable=SC2086
if ! cppcheck -q -j "$jobs" --std=c11 --error-exitcode=1 --inline-suppr \
    --enable=warning,portability,performance --inconclusive \
    --library=posix,gnu,libcurl,"$tmp/dojobridge.cfg" \
    --suppressions-list="$tmp/cppcheck.supp" \
    -D__CPPCHECK__ -D_GNU_SOURCE -DPLUGINDIR='"/plugins"' -DSYSCONFDIR='"/etc"' \
    -Icore -Iplugins -Iwatch -Itests/fuzz \
    --template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
    $files 2>"$tmp/cppcheck.out"; then
	echo "cppcheck:"
	cat "$tmp/cppcheck.out"
	status=1
elif [ -s "$tmp/cppcheck.out" ]; then
	cat "$tmp/cppcheck.out"
fi

# --- clang-tidy ----------------------------------------------------------------
# Every clang-analyzer-* (the path-sensitive analyser: null dereferences,
# use after free, leaks, uninitialised reads, ...), bugprone-* and cert-*,
# except these, which are noise here:
#   cert-err33-c: every unchecked return value (fclose, snprintf, close in
#       cleanup paths ...); -Wunused-result already covers the ones that matter.
#   clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling: asks
#       for C11 Annex K memcpy_s/snprintf_s, which glibc does not have (592 hits).
#   bugprone-easily-swappable-parameters: a naming heuristic on adjacent
#       parameters of one type, not a bug finder (101 hits).
#   bugprone-implicit-widening-of-multiplication-result: fires on constant
#       products (64 * 1024, 5 * 60000) and on bounded indexes; all 69 hits
#       were reviewed, none can overflow an int.
#   bugprone-branch-clone: "try this, else try that, same action" chains are
#       the plugins' way to read a date or a target; all 10 hits intended.
# and with this option:
#   bugprone-suspicious-string-compare.WarnOnImplicitComparison=false:
#       "strcmp(a, b)" for "they differ" in loop conditions is house style.
# Diagnostics in the tree's own headers are shown too (once).
tidy_checks='-*,clang-analyzer-*,bugprone-*,cert-*,-cert-err33-c,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,-bugprone-easily-swappable-parameters,-bugprone-implicit-widening-of-multiplication-result,-bugprone-branch-clone'
tidy_config='{CheckOptions: [{key: bugprone-suspicious-string-compare.WarnOnImplicitComparison, value: false}]}'
# The quotes in -DPLUGINDIR="..." are meant: the macro is a string literal.
# shellcheck disable=SC2089,SC2090
core_flags="-std=c11 -D_GNU_SOURCE -Icore -Iplugins -Iwatch -Itests/fuzz $dep_cflags -DPLUGINDIR=\"/plugins\" -DSYSCONFDIR=\"/etc\""
# Plugins build as the Makefile builds them: plain C11 against their header.
plugin_flags="-std=c11 -Iplugins"
# shellcheck disable=SC2090
export tmp tidy_checks tidy_config core_flags plugin_flags
mkdir -p "$tmp/tidy"
# shellcheck disable=SC2016,SC2086
printf '%s\n' $files | xargs -P "$jobs" -I{} sh -c '
	f=$1
	case $f in
	plugins/*|tests/plugins/*) flags=$plugin_flags ;;
	*) flags=$core_flags ;;
	esac
	out=$tmp/tidy/$(echo "$f" | tr / _)
	# shellcheck disable=SC2086
	clang-tidy --quiet -checks="$tidy_checks" -config="$tidy_config" \
	    -header-filter="(core|plugins|watch|tests/unit|tests/fuzz)/[^/]*\.h$" \
	    "$f" -- $flags >"$out.txt" 2>"$out.err"
	echo "$? $f" >"$out.rc"
' sh {}
for rc in "$tmp"/tidy/*.rc; do
	read -r code name <"$rc"
	if [ "$code" != 0 ]; then
		echo "clang-tidy failed on $name:"
		grep -v 'warnings\? generated\.$' "${rc%.rc}.err"
		status=1
	fi
done
# Each finding is a "FILE:LINE:COL: warning: ... [CHECKS]" line followed by the
# source line and notes; it is dropped when a line "clang-tidy CHECK FILE TEXT"
# of the suppressions file names one of its checks, its file, and a text found
# in its source line.  A finding in a header is printed once.
cat "$tmp"/tidy/*.txt >"$tmp/tidy.out"
if ! awk -v pwd="$(pwd)/" '
	FILENAME == ARGV[1] {
		if ($1 == "clang-tidy") {
			text = $0
			sub(/^clang-tidy[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]*/, "", text)
			n++; scheck[n] = $2; sfile[n] = $3; stext[n] = text
		}
		next
	}
	function strip(s,    at) {
		while ((at = index(s, pwd)) > 0)
			s = substr(s, 1, at - 1) substr(s, at + length(pwd))
		return s
	}
	function flush() {
		if (block != "" && !dropped && !(key in seen)) {
			seen[key] = 1
			printf "%s", block
			found++
		}
		block = ""
	}
	/^[^ \t].*:[0-9]+:[0-9]+: (warning|error): / {
		flush()
		line = strip($0)
		block = line "\n"
		split(line, part, ":")
		file = part[1]
		checks = line; sub(/.*\[/, "", checks); sub(/\]$/, "", checks)
		key = file ":" part[2] ":" part[3] ":" checks
		want_source = 1
		dropped = 0
		next
	}
	block != "" {
		block = block strip($0) "\n"
		if (want_source) {
			want_source = 0
			nc = split(checks, c, ",")
			for (i = 1; i <= n && !dropped; i++) {
				if (sfile[i] != file || index($0, stext[i]) == 0)
					continue
				for (k = 1; k <= nc; k++)
					if (c[k] == scheck[i]) {
						dropped = 1
						used[i] = 1
					}
			}
		}
	}
	END {
		flush()
		for (i = 1; i <= n; i++)
			if (!(i in used))
				printf "lint: note: unused suppression: clang-tidy %s %s %s\n",
				    scheck[i], sfile[i], stext[i] >"/dev/stderr"
		exit (found > 0)
	}
' "$supp" "$tmp/tidy.out" >"$tmp/tidy.found"; then
	echo "clang-tidy:"
	cat "$tmp/tidy.found"
	status=1
fi

if [ "$status" -eq 0 ]; then
	echo "lint: clean"
else
	echo "lint: FAILED (fix each finding above, or suppress it with its reason: see tests/lint.sh)"
fi
exit "$status"
