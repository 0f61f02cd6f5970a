#!/bin/sh
# `make install DESTDIR=...` puts everything in place, and a plugin builds out
# of tree with one cc line against the installed header, then loads and works.
. tests/lib.sh

make -s install DESTDIR="$T/root" >"$T/install.log" 2>&1 || { cat "$T/install.log"; fail "make install"; }
p=$(sed -n 's/^PREFIX = //p' Makefile)
plugindir=$(sed -n 's/^PLUGINDIR = //p' Makefile)
sysconfdir=$(sed -n 's/^SYSCONFDIR = //p' Makefile)
mandir=$(sed -n 's/^MANDIR = //p' Makefile)
for f in "$p/bin/dojobridge" "$p/include/dojobridge-plugin.h" "$plugindir/zap.so" "$plugindir/tenable.so" \
    "$mandir/man8/dojobridge.8" "$mandir/man8/dojobridge-report.8" "$mandir/man5/dojobridge.conf.5" "$mandir/man3/dojobridge-plugin.3" \
    "$sysconfdir/dojobridge/conf.d/00-dojobridge.conf" "$p/lib/systemd/system/dojobridge.service"; do
	[ -e "$T/root$f" ] || fail "not installed: $f"
done
u=$T/root$p/lib/systemd/system
for f in dojobridge.service dojobridge-once.service dojobridge-once.timer; do
	[ -f "$u/$f" ] || fail "not installed: $f"
	! grep -q '^<<<<<<<\|^=======\|^>>>>>>>\|@[A-Z]*@' "$u/$f" || fail "$f is not a clean unit"
done
grep -q "^ExecStart=$p/bin/dojobridge -c $sysconfdir/dojobridge/conf.d watch$" "$u/dojobridge.service" || fail "daemon unit paths"
grep -q '^Type=notify$' "$u/dojobridge.service" || fail "the daemon unit is Type=notify"
grep -q "^ExecStart=$p/bin/dojobridge -c $sysconfdir/dojobridge/conf.d once$" "$u/dojobridge-once.service" || fail "batch unit paths"
grep -q '^Type=oneshot$' "$u/dojobridge-once.service" || fail "the batch unit is Type=oneshot"
if command -v systemd-analyze >/dev/null 2>&1; then
	for f in dojobridge.service dojobridge-once.service; do
		systemd-analyze verify "$u/$f" 2>&1 | grep -v 'is not executable\|man dojobridge\|Failed to\|not found' | grep . &&
			fail "systemd-analyze verify $f"
	done
fi

# The installed binary finds the installed plugins only through --plugin-dir here (DESTDIR).
"$T/root$p/bin/dojobridge" --plugin-dir "$T/root$plugindir" plugins | grep -q "^$(ls "$top"/plugins/*.c | wc -l) plugins loaded" ||
	fail "installed binary and plugins"

# One cc line, the installed header, nothing else.
mkdir -p "$T/ext"
cc -std=c11 -shared -fPIC -fvisibility=hidden -I"$T/root$p/include" -o "$T/ext/example.so" \
	plugins/example/example.c || fail "out-of-tree build"
[ "$(nm -D --defined-only "$T/ext/example.so" | awk '{print $3}' | grep -v '^_' )" = dojobridge_plugin_v1 ] ||
	fail "the plugin exports more than its entry point"
$top/dojobridge --plugin-dir "$T/ext" plugins | grep -q "^1 plugins loaded" || fail "example plugin not loaded"
echo ok
