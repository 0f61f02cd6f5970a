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

WATCH_PIDS=

cleanup() {
	for p in $WATCH_PIDS; do kill -9 "$p" 2>/dev/null; done
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

# start_watch [NAME [CONFDIR]]: run `dojobridge watch` in the background, its
# log in $T/NAME.log (default watch); sets WATCH_PID.  Waits until it says
# it is watching.
start_watch() {
	_n=${1:-watch}
	_c=${2:-$T/conf.d}
	# The log must exist before it is counted: a missing file counts as no line at all.
	: >>"$T/$_n.log"
	$DOJOBRIDGE -c "$_c" watch >>"$T/$_n.log" 2>&1 &
	WATCH_PID=$!
	WATCH_PIDS="$WATCH_PIDS $WATCH_PID"
	_lines=$(grep -c 'watching [0-9]* drop' "$T/$_n.log" 2>/dev/null)
	_i=0
	while [ "$(grep -c 'watching [0-9]* drop' "$T/$_n.log" 2>/dev/null)" = "${_lines:-0}" ]; do
		_i=$((_i + 1))
		[ $_i -gt 300 ] && { cat "$T/$_n.log"; fail "watch did not start"; }
		kill -0 "$WATCH_PID" 2>/dev/null || { cat "$T/$_n.log"; fail "watch exited at start"; }
		sleep 0.1
	done
}

# stop_watch [PID]: SIGTERM, and wait for the exit; returns its status.
stop_watch() {
	_p=${1:-$WATCH_PID}
	kill -TERM "$_p" 2>/dev/null
	wait "$_p"
}

# wait_for SECONDS 'shell condition' MESSAGE: poll until the condition holds
# (on failure the end of $WAIT_LOG, when set, is shown).
wait_for() {
	_limit=$(($1 * 10))
	_i=0
	until eval "$2"; do
		_i=$((_i + 1))
		[ $_i -gt $_limit ] && { [ -n "${WAIT_LOG:-}" ] && tail -n 30 "$WAIT_LOG"; fail "$3 (waited $1 s)"; }
		sleep 0.1
	done
}

# imports: how many uploads the stand-in acknowledged so far.
imports() { _n=$(grep -c "\"status\": 201" "$T/requests.jsonl" 2>/dev/null); echo "${_n:-0}"; }

# gitleaks_report N: a small, unique Gitleaks report on stdout.
gitleaks_report() {
	printf '[{"line":"secret %s","offender":"key-%s","commit":"%040d","repo":".","rule":"Generic Secret","commitMessage":"m","author":"a","email":"a@example.com","file":"f%s.txt","date":"2026-01-01T10:00:00Z","tags":"key"}]\n' "$1" "$1" "$1" "$1"
}
