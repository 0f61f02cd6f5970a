#!/bin/sh
# lint.sh — `make lint`: functions banned in dojobridge (STYLE.md 19) and
# unsafe libxml2 entry points.  Prints each use; exits 1 if any.
cd "$(dirname "$0")/.." || exit 1
bad=$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|atoi|atol|system|popen|gets|xmlReadFile|xmlParseFile|xmlReaderForFile)[[:space:]]*\(' \
	core/*.c core/*.h watch/*.c watch/*.h plugins/*.c plugins/example/*.c tests/unit/*.c 2>/dev/null |
	grep -vE '(snprintf|vsnprintf)\(' )
if [ -n "$bad" ]; then
	echo "banned functions:"
	echo "$bad"
	exit 1
fi
echo "lint: clean"
