# lib.sh — shared set-up for the integration tests: a temporary directory,
# the stand-in DefectDojo on a free loopback port, a configuration, and a
# cleanup trap.  Source it: `. tests/lib.sh`.

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
: "${PYTHON:=python3}"
command -v "$PYTHON" >/dev/null 2>&1 || { echo "python3 is not installed"; exit 77; }

DOJOBRIDGE="${DOJOBRIDGE_WRAPPER:-} $top/dojobridge --plugin-dir $top/plugins"
T=$(mktemp -d "${TMPDIR:-/tmp}/dojobridge-test.XXXXXX")
FAKE_PID=
TOKEN=0123456789abcdef0123456789abcdef01234567

cleanup() {
	[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null && wait "$FAKE_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

fail() { echo "FAIL: $*"; exit 1; }

# start_fakedojo [extra fakedojo flags...]: sets PORT and URL.
start_fakedojo() {
	printf '%s superuser\n' "$TOKEN" >"$T/fake-tokens"
	[ -n "${EXTRA_TOKENS:-}" ] && printf '%s\n' "$EXTRA_TOKENS" >>"$T/fake-tokens"
	rm -f "$T/port"
	"$PYTHON" tests/fakedojo/fakedojo.py --port 0 --port-file "$T/port" --db "$T/dojo.sqlite" \
		--record "$T/requests.jsonl" --token-file "$T/fake-tokens" "$@" >"$T/fakedojo.log" 2>&1 &
	FAKE_PID=$!
	i=0
	while [ ! -s "$T/port" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && { cat "$T/fakedojo.log"; fail "fakedojo did not start"; }
		kill -0 "$FAKE_PID" 2>/dev/null || { cat "$T/fakedojo.log"; fail "fakedojo exited"; }
		sleep 0.1
	done
	PORT=$(cat "$T/port")
	URL=http://127.0.0.1:$PORT
}

stop_fakedojo() {
	kill "$FAKE_PID" 2>/dev/null
	wait "$FAKE_PID" 2>/dev/null
	FAKE_PID=
}

# ctl JSON: program the stand-in (faults for the next uploads, etc.).
ctl() { "$PYTHON" tests/fakedojo/fakedojo.py ctl --port "$PORT" "$1" >/dev/null || fail "ctl $1"; }

# write_conf [extra lines for the drop section...]: a config in $T/conf.d for drop root $T/drop.
write_conf() {
	mkdir -p "$T/conf.d" "$T/drop"
	printf '%s\n' "$TOKEN" >"$T/token"
	chmod 600 "$T/token"
	{
		echo "[dojo]"
		echo "url = $URL"
		echo "token_file = $T/token"
		echo "retries = ${RETRIES:-1}"
		echo "connect_timeout = 2s"
		echo "[drop \"lab\"]"
		echo "path = $T/drop"
		echo "settle = 0"
		for line in "$@"; do echo "$line"; done
	} >"$T/conf.d/10-test.conf"
}

# drop SRC DEST: copy a report from tests/data/scans into the drop tree.
drop() {
	mkdir -p "$(dirname "$T/drop/$2")"
	cp "tests/data/scans/$1" "$T/drop/$2"
}

# py EXPR...: run a Python snippet with the request record at hand.
py() { "$PYTHON" -c "$1"; }

count_in() { find "$1" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l | tr -d ' '; }
