#!/bin/sh
# Plugins run in sandboxed workers: a plugin that crashes, spins, opens
# files, forks or reads its environment costs that one report, with a reason
# naming it, and learns nothing (no token, no files); the daemon and the
# next report carry on.  The hostile plugin (tests/plugins/hostile) does
# each of these on purpose when a file asks it to.
. tests/lib.sh

hostile=$top/tests/plugins/hostile
[ -f "$hostile/hostile.so" ] || fail "tests/plugins/hostile/hostile.so is not built (make check builds it)"
H="${DOJOBRIDGE_WRAPPER:-} $top/dojobridge --plugin-dir $hostile:$top/plugins"
mkdir -p "$T/in"
for w in CRASH EXTRACTCRASH LOOP ALLOC OPEN SPAWN ENV WRITE LOGS FINE; do
	printf 'HOSTILE %s\n' "$w" >"$T/in/$w.txt"
done
cp tests/data/scans/zap/some_2.9.0.xml "$T/in/zap.xml"
rm -f /tmp/dojobridge-hostile-wrote

# One worker: each failure must leave the pool able to serve the next file.
DOJO_TOKEN=$TOKEN $H detect --workers 1 --timeout 2 "$T/in/CRASH.txt" "$T/in/FINE.txt" \
	"$T/in/EXTRACTCRASH.txt" "$T/in/LOOP.txt" "$T/in/zap.xml" "$T/in/SPAWN.txt" \
	"$T/in/ALLOC.txt" "$T/in/OPEN.txt" "$T/in/ENV.txt" "$T/in/WRITE.txt" >"$T/out" 2>"$T/err"
[ $? = 1 ] || { cat "$T/out" "$T/err"; fail "detect exit status with failed files"; }
says() {
	grep -qF "$T/in/$1: $2" "$T/out" || { cat "$T/out" "$T/err"; fail "$1: expected \"$2\""; }
}
says CRASH.txt "error: plugin hostile crashed on this file (SIGSEGV)"
says EXTRACTCRASH.txt "error: plugin hostile crashed on this file (SIGSEGV)"
says LOOP.txt "error: plugin hostile took longer than 2 s on this file"
says SPAWN.txt "error: plugin hostile made a system call the sandbox forbids on this file (SIGSYS)"
says FINE.txt "ZAP Scan"
says zap.xml "ZAP Scan"
# 4 GiB cannot be had under the 1 GiB limit: malloc fails, the plugin goes on.
says ALLOC.txt "ZAP Scan"

# A worker may not write files, yet what it logs reaches our stderr even when that is one.
$H detect "$T/in/LOGS.txt" >"$T/out" 2>"$T/stderr-file" || { cat "$T/out" "$T/stderr-file"; fail "LOGS"; }
grep -q "plugin hostile: LOGS.txt: hostile says hello through stderr" "$T/stderr-file" ||
	{ cat "$T/stderr-file"; fail "a worker's log line did not reach a stderr that is a file"; }

# What the plugin learnt, as it reports it in the target.
DOJO_TOKEN=$TOKEN $H detect --json "$T/in/OPEN.txt" "$T/in/ENV.txt" "$T/in/WRITE.txt" >"$T/json"
grep -q '"target":"open refused"' "$T/json" || { cat "$T/json"; fail "a worker could open /etc/hostname"; }
grep -q '"target":"no environment"' "$T/json" || { cat "$T/json"; fail "a worker had an environment"; }
grep -q '"target":"write refused"' "$T/json" || { cat "$T/json"; fail "a worker could create a file"; }
[ ! -e /tmp/dojobridge-hostile-wrote ] || fail "a worker wrote a file"
grep -q "$TOKEN" "$T/json" && fail "the token reached a worker"
# The same plugin without the sandbox sees it all: the checks above can fail.
DOJO_TOKEN=$TOKEN $H detect --no-sandbox --json "$T/in/ENV.txt" "$T/in/OPEN.txt" >"$T/json" 2>/dev/null
grep -q "$TOKEN" "$T/json" || { cat "$T/json"; fail "--no-sandbox: the test plugin cannot see the environment"; }
grep -q '"target":"open refused"' "$T/json" && fail "--no-sandbox: the test plugin cannot open files"

# A worker as the kernel sees it: seccomp filter, no_new_privs, no token
# in its environment or command line, no descriptor but its own.
DOJO_TOKEN=$TOKEN $H detect --workers 1 --timeout 8 "$T/in/LOOP.txt" >/dev/null 2>&1 &
det=$!
wait_for 5 'pgrep -P $det >/dev/null' "no worker started"
w=$(pgrep -P $det | head -n 1)
wait_for 5 'grep -q "^Seccomp:[[:space:]]*2" /proc/$w/status' "the worker has no seccomp filter"
grep -q "^NoNewPrivs:[[:space:]]*1" "/proc/$w/status" || fail "the worker may gain privileges"
[ -z "$(tr '\0' '\n' <"/proc/$w/environ" | grep -v '^[A-Z]*SAN_OPTIONS=')" ] ||
	fail "the worker has an environment (beyond a sanitizer build's options)"
tr '\0' ' ' <"/proc/$w/cmdline" | grep -q "detect-worker" || fail "the worker's command line"
grep -q "$TOKEN" "/proc/$w/cmdline" && fail "the token is on the worker's command line"
# Beyond stdio, the socket (3) and the report (4): only the plugins it loaded.
for fd in $(ls "/proc/$w/fd"); do
	case "$fd" in 0|1|2|3|4) continue ;; esac
	case "$(readlink "/proc/$w/fd/$fd")" in
	"$top"/plugins/*.so|"$hostile"/*.so) ;;
	*) ls -l "/proc/$w/fd"; fail "the worker holds descriptor $fd" ;;
	esac
done
grep -q "^Max cpu time *\(2\|3\)[0-9] " "/proc/$w/limits" || { cat "/proc/$w/limits"; fail "no CPU limit"; }
grep -q "^Max file size *0 " "/proc/$w/limits" || fail "no file size limit"
grep -q "^Max core file size *0 " "/proc/$w/limits" || fail "core files allowed"
kill "$det" 2>/dev/null
wait "$det" 2>/dev/null

# once: the crash costs its report (failed/, with the plugin named); the
# good report next to it is imported.
start_fakedojo
write_conf
drop zap/some_2.9.0.xml "Team/app/ci/zap.xml"
mkdir -p "$T/drop/Team/app/ci"
printf 'HOSTILE CRASH\n' >"$T/drop/Team/app/ci/crash.xml"
$H -c "$T/conf.d" once >"$T/out" 2>"$T/err"
[ $? = 1 ] || { cat "$T/out" "$T/err"; fail "once: exit status"; }
[ "$(count_in "$T/drop/.dojobridge/done")" = 1 ] || { cat "$T/err"; fail "once: the good report was not imported"; }
[ "$(count_in "$T/drop/.dojobridge/failed")" = 1 ] || fail "once: the crash did not fail"
grep -rq "plugin hostile crashed on this file (SIGSEGV)" "$T/drop/.dojobridge/failed" ||
	{ cat "$T/drop/.dojobridge/failed"/*/error.json; fail "once: error.json does not name the crash"; }

# watch: the daemon outlives a crashing and a spinning plugin and imports what follows.
rm -rf "$T/drop"
mkdir -p "$T/drop/Team/app/ci"
printf '[detect]\ntimeout = 2s\nworkers = 1\n' >"$T/conf.d/20-detect.conf"
DOJOBRIDGE=$H
start_watch
WAIT_LOG=$T/watch.log
n=$(imports)
printf 'HOSTILE CRASH\n' >"$T/drop/Team/app/ci/crash.xml"
printf 'HOSTILE LOOP\n' >"$T/drop/Team/app/ci/loop.xml"
wait_for 20 '[ "$(count_in "$T/drop/.dojobridge/failed")" = 2 ]' "watch: the hostile reports did not fail"
cp tests/data/scans/zap/some_2.9.0.xml "$T/drop/Team/app/ci/zap.xml"
wait_for 20 '[ "$(imports)" -gt "$n" ]' "watch: the report after the crashes was not imported"
kill -0 "$WATCH_PID" || fail "watch died"
grep -rq "took longer than 2 s" "$T/drop/.dojobridge/failed" || fail "watch: the timeout is not the reason"
stop_watch || fail "watch: exit status after SIGTERM"

# [detect] is checked like every section; sandbox = no says what it costs.
printf '[detect]\ntimeout = 0s\n' >"$T/conf.d/20-detect.conf"
$DOJOBRIDGE -c "$T/conf.d" once >"$T/out" 2>&1 && fail "timeout = 0s accepted"
grep -q "20-detect.conf:2.*\[detect\] timeout" "$T/out" || { cat "$T/out"; fail "the error does not name file, line and key"; }
printf '[detect]\nsandbox = no\n' >"$T/conf.d/20-detect.conf"
$DOJOBRIDGE -c "$T/conf.d" once >"$T/out" 2>&1
grep -q "sandbox = no: plugins run inside dojobridge itself" "$T/out" || { cat "$T/out"; fail "sandbox = no is not warned about"; }
echo "sandbox: crash, timeout, forbidden calls, files, environment, once and watch all hold"
