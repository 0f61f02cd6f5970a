#!/usr/bin/env python3
"""bench.py — how fast `dojobridge watch` turns a finished report into a
DefectDojo request, each figure beside a baseline measured in the same run
against the same stand-in server (tests/fakedojo/fakedojo.py on loopback).

Nothing here asserts on timing: the machines are shared and noisy, so the
figures are printed in one table for a human to read.  A benchmark that
cannot run (a tool missing, the daemon failing) prints "n/a" and why.

    python3 tests/bench/bench.py [latency] [throughput] [bigfile] [idle]

Run from the top of the build tree (`make bench` does).  Knobs, from the
environment: BENCH_LATENCY_FILES (100), BENCH_SETTLE_MS (100), BENCH_FILES
(10000), BENCH_BIG_MIB (1024), BENCH_IDLE_SECONDS (60), BENCH_KEEP=1 keeps
the temporary directory.
"""

import datetime
import json
import math
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TOKEN = "0123456789abcdef0123456789abcdef01234567"
UPLOAD_PATH = "/api/v2/reimport-scan/"
TOP = os.getcwd()
PYTHON = os.environ.get("PYTHON") or sys.executable
CLK_TCK = os.sysconf("SC_CLK_TCK")


def env_int(name, default):
    return int(os.environ.get(name) or default)


def say(msg):
    print(msg, flush=True)


def gitleaks_report(i):
    """A small, unique Gitleaks report (one finding), as tests/lib.sh writes."""
    return ('[{"line":"secret %d","offender":"key-%d","commit":"%040d","repo":".","rule":"Generic Secret",'
            '"commitMessage":"m","author":"a","email":"a@example.com","file":"f%d.txt",'
            '"date":"2026-01-01T10:00:00Z","tags":"key"}]\n' % (i, i, i, i))


def parse_time(stamp):
    """The stand-in's record time (UTC ISO, microseconds) as a Unix time."""
    when = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ")
    return when.replace(tzinfo=datetime.timezone.utc).timestamp()


def percentile(values, p):
    """Nearest rank: the smallest value with at least p% of them at or below it."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


class BenchError(Exception):
    pass


# ---------------------------------------------------------------------------
# The stand-in DefectDojo and what it recorded.

class Upload:
    def __init__(self, line):
        self.time = parse_time(line["time"])
        self.status = line["status"]
        f = line["files"].get("file") or {}
        self.filename = f.get("filename") if isinstance(f, dict) else None
        self.size = f.get("size") if isinstance(f, dict) else None
        self.content_type = f.get("content_type") if isinstance(f, dict) else None
        self.fields = line["fields"]


class StandIn:
    """fakedojo.py on a free loopback port, its SQLite state in memory, each
    request appended to a record file that we read as it grows."""

    def __init__(self, workdir, *extra):
        os.makedirs(workdir, exist_ok=True)
        self.record = os.path.join(workdir, "requests.jsonl")
        tokens = os.path.join(workdir, "tokens")
        with open(tokens, "w") as f:
            f.write(f"{TOKEN} superuser\n")
        port_file = os.path.join(workdir, "port")
        self.log = open(os.path.join(workdir, "fakedojo.log"), "w")
        program = "tests/fakedojo/fakedojo.py"
        self.proc = subprocess.Popen(
            [PYTHON, program, "--port", "0", "--port-file", port_file,
             "--record", self.record, "--token-file", tokens, *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while not os.path.exists(port_file) or not os.path.getsize(port_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"the stand-in did not start (see {self.log.name})")
            time.sleep(0.05)
        with open(port_file) as f:
            self.url = "http://127.0.0.1:" + f.read().strip()
        self.uploads = []
        self.acked = set()  # file names answered 201
        self._pos = 0
        self._partial = b""

    def poll(self):
        """Read what was recorded since the last call; returns the new uploads."""
        try:
            with open(self.record, "rb") as f:
                f.seek(self._pos)
                data = f.read()
        except FileNotFoundError:
            return []
        self._pos += len(data)
        lines = (self._partial + data).split(b"\n")
        self._partial = lines.pop()
        new = []
        for raw in lines:
            line = json.loads(raw)
            if line["path"] == UPLOAD_PATH and line["method"] == "POST":
                up = Upload(line)
                new.append(up)
                if up.status == 201:
                    self.acked.add(up.filename)
        self.uploads.extend(new)
        return new

    def wait_uploads(self, count, timeout, interval=0.002, acked=False, stall=None):
        """Wait until `count` uploads were answered in all (with acked, until
        `count` distinct files were answered 201), for at most `timeout`
        seconds, or `stall` seconds without a new upload; returns whether
        they were."""
        deadline = time.monotonic() + timeout
        moved = time.monotonic()
        while True:
            if self.poll():
                moved = time.monotonic()
            if len(self.acked if acked else self.uploads) >= count:
                return True
            now = time.monotonic()
            if now > deadline or (stall and now - moved > stall):
                return False
            time.sleep(interval)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# ---------------------------------------------------------------------------
# The daemon, and what /proc says about a process.

def proc_cpu_ms(pid):
    """utime + stime of a process (all its threads), in milliseconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / CLK_TCK


def proc_status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise BenchError(f"no {key} in /proc/{pid}/status")


def proc_switches(pid):
    """(voluntary, involuntary) context switches summed over every thread.
    A voluntary one is any sleep: epoll_wait, but also a read that waits for
    the disk, so they count wakeups and I/O waits together."""
    vol = invol = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        vol += int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches:"):
                        invol += int(line.split()[1])
        except FileNotFoundError:
            pass  # a thread that ended meanwhile
    return vol, invol


class Daemon:
    """`dojobridge watch` on one drop root, with a configuration of its own."""

    def __init__(self, workdir, url, drop, drop_lines=(), dojo_lines=(), watch_lines=(), wrapper=()):
        self.workdir, self.drop = workdir, drop
        confdir = os.path.join(workdir, "conf.d")
        os.makedirs(confdir, exist_ok=True)
        os.makedirs(drop, exist_ok=True)
        token = os.path.join(workdir, "token")
        with open(token, "w") as f:
            f.write(TOKEN + "\n")
        os.chmod(token, 0o600)
        with open(os.path.join(confdir, "10-bench.conf"), "w") as f:
            f.write("\n".join(["[dojo]", f"url = {url}", f"token_file = {token}", *dojo_lines,
                               "[watch]", *watch_lines,
                               '[drop "bench"]', f"path = {drop}", *drop_lines]) + "\n")
        self.log_path = os.path.join(workdir, "watch.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [*wrapper, os.path.join(TOP, "dojobridge"), "--plugin-dir", os.path.join(TOP, "plugins"),
             "-c", confdir, "watch"], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while not re.search(r"watching [0-9]+ drop", self.log_text()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise BenchError("the daemon did not start:\n" + self.log_text()[-2000:])
            time.sleep(0.05)
        self.pid = self.proc.pid
        if wrapper:  # the daemon is the wrapper's child
            with open(f"/proc/{self.pid}/task/{self.pid}/children") as f:
                self.pid = int(f.read().split()[0])

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def alive(self):
        if self.proc.poll() is not None:
            raise BenchError(f"the daemon exited ({self.proc.returncode}):\n" + self.log_text()[-2000:])

    def receipts(self):
        try:
            with open(os.path.join(self.drop, ".dojobridge", "receipts.jsonl"), "rb") as f:
                return f.read().count(b"\n")
        except FileNotFoundError:
            return 0

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def complaints(self):
        """Log lines worth a reader's eye: everything but imports and the
        start-up and shutdown chatter."""
        boring = re.compile(r"imported as|watching [0-9]+ drop|^dojobridge: drop \S+: /|running as root"
                            r"|protected_symlinks|^dojobridge: stopp")
        return [line for line in self.log_text().splitlines() if not boring.search(line)]


# ---------------------------------------------------------------------------
# The baseline: inotifywait | while read; curl.

class CurlLoop:
    def __init__(self, workdir, url, root, scan_type, test_title, content_type):
        os.makedirs(root, exist_ok=True)
        token = os.path.join(workdir, "token")
        with open(token, "w") as f:
            f.write(TOKEN + "\n")
        ready = os.path.join(workdir, "inotifywait.err")
        self.pidfile = os.path.join(workdir, "inotifywait.pid")
        self.usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.proc = subprocess.Popen(
            ["sh", os.path.join(TOP, "tests/bench/curl-loop.sh"), root, url, token, scan_type, test_title,
             content_type, ready, self.pidfile])
        deadline = time.monotonic() + 30
        while True:
            try:
                with open(ready) as f:
                    if "Watches established" in f.read():
                        break
            except FileNotFoundError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise BenchError("inotifywait did not start")
            time.sleep(0.02)

    def stop(self):
        """Stop inotifywait; the loop drains and exits.  Returns the CPU ms of
        the whole baseline (inotifywait, the shell, every curl)."""
        with open(self.pidfile) as f:
            os.kill(int(f.read()), signal.SIGTERM)
        self.proc.wait(timeout=120)
        u = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (u.ru_utime + u.ru_stime - self.usage0.ru_utime - self.usage0.ru_stime) * 1000


def have(tool):
    return shutil.which(tool) is not None


def baseline_fields_differ(daemon_uploads, base_uploads):
    """The baseline must send what the daemon sent for the same report; a
    word if it does not."""
    sent = {u.filename: u.fields for u in daemon_uploads}
    differ = [(u, sent[u.filename]) for u in base_uploads if u.filename in sent and u.fields != sent[u.filename]]
    if not differ:
        return None
    u, theirs = differ[0]
    return (f"{len(differ)} baseline uploads sent other form fields than dojobridge, "
            f"e.g. {u.filename}: {u.fields} instead of {theirs}")


# ---------------------------------------------------------------------------
# The benchmarks.  Each returns rows: (benchmark, dojobridge, baseline).

def drop_one_by_one(stand, folder, n, first):
    """Write n reports one after another, each once the previous one was
    answered; returns the latencies (s) from close to the recorded request,
    and how many were not answered 201."""
    os.makedirs(folder, exist_ok=True)
    latencies, bad = [], 0
    for i in range(first, first + n):
        name = f"r{i}.json"
        before = len(stand.uploads)
        with open(os.path.join(folder, name), "w") as f:
            f.write(gitleaks_report(i))
        closed = time.time()
        if not stand.wait_uploads(before + 1, 30):
            raise BenchError(f"{name} was not uploaded within 30 s")
        up = stand.uploads[before]
        if up.filename != name:
            raise BenchError(f"expected {name} at the stand-in, got {up.filename}")
        if up.status != 201:
            bad += 1
        latencies.append(up.time - closed)
    return latencies, bad


def fmt_latency(lat):
    return f"{percentile(lat, 50) * 1000:.1f} / {percentile(lat, 99) * 1000:.1f} ms"


def bench_latency(work, notes):
    n = env_int("BENCH_LATENCY_FILES", 100)
    settle = env_int("BENCH_SETTLE_MS", 100)
    rows = []
    sent = []  # what dojobridge uploaded, for the baseline to compare with
    scan_type = test_title = "Gitleaks Scan"  # unless dojobridge says otherwise
    for s in sorted({settle, 0}, reverse=True):
        say(f"latency: {n} reports one at a time, dojobridge with settle = {s}ms")
        wd = os.path.join(work, f"latency-{s}")
        stand = StandIn(wd)
        daemon = None
        row = [f"latency close->request p50 / p99 (settle {s}ms)"]
        try:
            # The folder exists before the daemon starts, as for the baseline.
            folder = os.path.join(wd, "drop", "T", "p1", "e1")
            os.makedirs(folder)
            daemon = Daemon(wd, stand.url, os.path.join(wd, "drop"), [f"settle = {s}ms"])
            time.sleep(0.5)
            lat, bad = drop_one_by_one(stand, folder, n, 0)
            daemon.alive()
            sent = stand.uploads
            scan_type, test_title = sent[0].fields["scan_type"], sent[0].fields["test_title"]
            if bad:
                notes.append(f"latency settle={s}ms: {bad} of {n} uploads were not answered 201")
            row.append(fmt_latency(lat))
        except BenchError as e:
            row.append("n/a: failed")
            notes.append(f"latency settle={s}ms: {e}")
        finally:
            if daemon:
                daemon.stop()
                notes.extend(f"latency settle={s}ms, daemon log: {c}" for c in daemon.complaints())
            stand.stop()
        rows.append(row)

    if not have("inotifywait") or not have("curl"):
        base = "n/a: needs inotifywait and curl"
    else:
        say(f"latency: {n} reports one at a time, inotifywait | curl loop")
        wd = os.path.join(work, "latency-baseline")
        stand = StandIn(wd)
        loop = None
        try:
            # inotifywait -r misses a file written into a folder it has not
            # put its watch on yet: the folder exists before it starts.
            folder = os.path.join(wd, "drop", "T", "p1", "e1")
            os.makedirs(folder)
            loop = CurlLoop(wd, stand.url, os.path.join(wd, "drop"), scan_type, test_title,
                            "application/json")
            lat, bad = drop_one_by_one(stand, folder, n, 0)
            if bad:
                notes.append(f"latency baseline: {bad} of {n} uploads were not answered 201")
            diff = baseline_fields_differ(sent, stand.uploads)
            if diff:
                notes.append("latency: " + diff)
            base = fmt_latency(lat)
        except BenchError as e:
            base = "n/a: failed"
            notes.append(f"latency baseline: {e}")
        finally:
            if loop:
                loop.stop()
            stand.stop()
    for r in rows:
        r.append(f"{base} (inotifywait | curl loop)")
    return rows


def drop_all(root, n, products):
    """n reports into `products` existing folders, as fast as we can write."""
    for i in range(n):
        with open(os.path.join(root, "T", f"p{i % products}", "e1", f"r{i}.json"), "w") as f:
            f.write(gitleaks_report(i))


def make_tree(root, products):
    for p in range(products):
        os.makedirs(os.path.join(root, "T", f"p{p}", "e1"), exist_ok=True)


def last_ack(stand):
    return max(u.time for u in stand.uploads if u.status == 201)


def check_answers(stand, n, who, notes):
    bad = sum(1 for u in stand.uploads if u.status != 201)
    if bad or len(stand.uploads) != n:
        notes.append(f"throughput {who}: {len(stand.uploads)} uploads for {n} reports, "
                     f"{len(stand.acked)} distinct acknowledged, {bad} not answered 201")


THROUGHPUT_TIMEOUT = 600
STALL = 20  # seconds without a new request: the rest will not come


def throughput_daemon(work, n, products, settle, notes):
    say(f"throughput: {n} reports at once into {products} products, dojobridge")
    wd = os.path.join(work, "throughput")
    stand = StandIn(wd)
    daemon = None
    try:
        drop = os.path.join(wd, "drop")
        make_tree(drop, products)
        daemon = Daemon(wd, stand.url, drop, [f"settle = {settle}ms", "on_success = delete"])
        time.sleep(0.5)
        cpu0, stand_cpu0 = proc_cpu_ms(daemon.pid), proc_cpu_ms(stand.proc.pid)
        start = time.time()
        drop_all(drop, n, products)
        notes.append(f"throughput: writing the {n} files took {time.time() - start:.2f} s")
        if not stand.wait_uploads(n, THROUGHPUT_TIMEOUT, interval=0.05, acked=True, stall=STALL):
            daemon.alive()
            raise BenchError(f"{len(stand.acked)} of {n} reports acknowledged, then {STALL} s without a request")
        last = last_ack(stand)
        stand_cpu = proc_cpu_ms(stand.proc.pid) - stand_cpu0
        notes.append(f"throughput dojobridge: the stand-in used {stand_cpu / n:.2f} CPU ms per request "
                     f"({stand_cpu / 1000 / (last - start):.2f} CPUs)")
        # The daemon's work on a file ends with its receipt, just after the
        # acknowledgement: wait for all of them before reading its CPU time.
        deadline = time.monotonic() + 60
        while daemon.receipts() < n and time.monotonic() < deadline:
            time.sleep(0.05)
        daemon.alive()
        cpu = proc_cpu_ms(daemon.pid) - cpu0
        if daemon.receipts() < n:
            notes.append(f"throughput: only {daemon.receipts()} of {n} receipts 60 s after the last upload")
        check_answers(stand, n, "dojobridge", notes)
        return f"{n / (last - start):.0f} files/s, {cpu / n:.2f} CPU ms/file", list(stand.uploads)
    finally:
        if daemon:
            daemon.stop()
            notes.extend(f"throughput, daemon log: {c}" for c in daemon.complaints())
        stand.stop()
        shutil.rmtree(os.path.join(wd, "drop"), ignore_errors=True)


def throughput_baseline(work, n, products, sent, notes):
    say(f"throughput: {n} reports at once into {products} products, inotifywait | curl loop")
    wd = os.path.join(work, "throughput-baseline")
    stand = StandIn(wd)
    loop = None
    try:
        drop = os.path.join(wd, "drop")
        make_tree(drop, products)
        fields = sent[0].fields if sent else {"scan_type": "Gitleaks Scan", "test_title": "Gitleaks Scan"}
        loop = CurlLoop(wd, stand.url, drop, fields["scan_type"], fields["test_title"], "application/json")
        stand_cpu0 = proc_cpu_ms(stand.proc.pid)
        start = time.time()
        drop_all(drop, n, products)
        # inotifywait drops events when the kernel queue overflows and never
        # looks again: give up once nothing has arrived for a while.
        stand.wait_uploads(n, THROUGHPUT_TIMEOUT, interval=0.05, acked=True, stall=STALL)
        cpu = loop.stop()
        loop = None
        if not stand.acked:
            raise BenchError("nothing was acknowledged")
        last = last_ack(stand)
        stand_cpu = proc_cpu_ms(stand.proc.pid) - stand_cpu0
        notes.append(f"throughput baseline: the stand-in used {stand_cpu / len(stand.acked):.2f} CPU ms "
                     f"per request ({stand_cpu / 1000 / (last - start):.2f} CPUs)")
        check_answers(stand, n, "baseline", notes)
        diff = baseline_fields_differ(sent, stand.uploads)
        if diff:
            notes.append("throughput: " + diff)
        lost = n - len(stand.acked)
        if lost:
            with open(os.path.join(wd, "inotifywait.err"), errors="replace") as f:
                said = " ".join(f.read().split())
            notes.append(f"throughput baseline: {lost} of {n} reports never uploaded "
                         f"({STALL} s without a request); inotifywait said: {said}")
        return (f"{len(stand.acked) / (last - start):.0f} files/s, {cpu / len(stand.acked):.2f} CPU ms/file"
                + (f", {lost} LOST" if lost else "") + " (inotifywait | curl loop)")
    finally:
        if loop:
            loop.stop()
        stand.stop()
        shutil.rmtree(os.path.join(wd, "drop"), ignore_errors=True)


def bench_throughput(work, notes):
    n = env_int("BENCH_FILES", 10000)
    settle = env_int("BENCH_SETTLE_MS", 100)
    products = 100
    # The folders exist before either run starts: inotifywait -r cannot see
    # a file written into a directory before it has put a watch on it (the
    # daemon can, but the baseline would lose reports).
    sent = []
    try:
        mine, sent = throughput_daemon(work, n, products, settle, notes)
    except BenchError as e:
        mine = "n/a: failed"
        notes.append(f"throughput dojobridge: {e}")
    if not have("inotifywait") or not have("curl"):
        base = "n/a: needs inotifywait and curl"
    else:
        try:
            base = throughput_baseline(work, n, products, sent, notes)
        except BenchError as e:
            base = "n/a: failed (inotifywait | curl loop)"
            notes.append(f"throughput baseline: {e}")
    return [[f"throughput {n:,} reports (settle {settle}ms)", mine, base]]


def write_big_csv(path, size):
    """A CSV of exactly `size` bytes in 64-byte lines: DefectDojo's Generic
    Findings Import columns, rows repeated (the stand-in does not parse it)."""
    header = "Date,Title,CweId,Url,Severity,Description,Mitigation,Impact\n"
    row = "2026-01-01,Finding,79,https://example.com/,High,d,m,i\n"
    header = header[:-1].ljust(63, " ") + "\n"
    row = row[:-1].ljust(63, "x") + "\n"
    block = (row * (1 << 14)).encode()  # 1 MiB
    with open(path, "wb") as f:
        f.write(header.encode())
        left = size - len(header)
        while left > 0:
            chunk = block[:left]
            f.write(chunk)
            left -= len(chunk)


def bigfile_daemon(wd, big, size, limit, notes):
    say("bigfile: dojobridge uploads it")
    target = os.path.join(wd, "drop", "T", "p1", "e1")
    os.makedirs(target)
    with open(os.path.join(target, ".dojobridge.conf"), "w") as f:
        f.write("[import]\nscan_type = Generic Findings Import\n")
    stand = StandIn(wd, "--max-file-size-mb", str(limit), "--proxy-max-body-mb", str(limit))
    daemon = None
    try:
        # The report arrives whole (a hard link: atomic, and the original
        # stays for curl), so settle = 0 is safe and the figure is the
        # upload, not the wait.
        daemon = Daemon(wd, stand.url, os.path.join(wd, "drop"), ["settle = 0"],
                        [f"max_file_size = {limit}MiB"])
        time.sleep(0.5)
        rss0 = proc_status(daemon.pid, "VmHWM")
        cpu0 = proc_cpu_ms(daemon.pid)
        start = time.time()
        os.link(big, os.path.join(target, "big.csv"))
        if not stand.wait_uploads(1, 600, interval=0.02):
            daemon.alive()
            raise BenchError("no upload within 600 s")
        daemon.alive()
        up = stand.uploads[0]
        hwm = proc_status(daemon.pid, "VmHWM")
        cpu = proc_cpu_ms(daemon.pid) - cpu0
        if up.status != 201 or up.size != size:
            notes.append(f"bigfile: the stand-in answered dojobridge {up.status}, {up.size} bytes of file")
        return (f"{size / (1 << 20) / (up.time - start):.0f} MiB/s, peak RSS {hwm / 1024:.1f} MiB "
                f"(idle {rss0 / 1024:.1f}), CPU {cpu / 1000:.1f} s, HTTP {up.status}"), up
    finally:
        if daemon:
            daemon.stop()
            notes.extend(f"bigfile, daemon log: {c}" for c in daemon.complaints())
        stand.stop()
        shutil.rmtree(os.path.join(wd, "drop"), ignore_errors=True)


def bigfile_curl(wd, big, size, limit, sent, notes):
    say("bigfile: curl -F uploads it")
    stand = StandIn(wd, "--max-file-size-mb", str(limit), "--proxy-max-body-mb", str(limit))
    try:
        fields = sent.fields if sent else {
            "scan_type": "Generic Findings Import", "product_type_name": "T", "product_name": "p1",
            "engagement_name": "e1", "test_title": "Generic Findings Import", "auto_create_context": "true"}
        args = ["curl", "-s", "-o", "/dev/null", "-H", f"Authorization: Token {TOKEN}"]
        for k, v in fields.items():
            args += ["-F", f"{k}={v}"]
        content_type = sent.content_type if sent else "text/csv"
        args += ["-F", f"file=@{big};type={content_type}", stand.url + UPLOAD_PATH]
        start = time.time()
        curl = subprocess.Popen(args)
        # wait4, not wait: its rusage has curl's peak RSS.
        _, status, usage = os.wait4(curl.pid, 0)
        curl.returncode = os.waitstatus_to_exitcode(status)
        if not stand.wait_uploads(1, 10):
            raise BenchError(f"curl exited {curl.returncode} and the stand-in recorded nothing")
        up = stand.uploads[0]
        if up.status != 201 or up.size != size:
            notes.append(f"bigfile: the stand-in answered curl {up.status}, {up.size} bytes of file")
        diff = baseline_fields_differ([sent] if sent else [], [up])
        if diff:
            notes.append("bigfile: " + diff)
        return (f"{size / (1 << 20) / (up.time - start):.0f} MiB/s, peak RSS {usage.ru_maxrss / 1024:.1f} MiB, "
                f"CPU {usage.ru_utime + usage.ru_stime:.1f} s, HTTP {up.status} (curl -F)")
    finally:
        stand.stop()


def bench_bigfile(work, notes):
    mib = env_int("BENCH_BIG_MIB", 1024)
    size = mib << 20
    label = f"{mib // 1024} GiB" if mib % 1024 == 0 else f"{mib} MiB"
    limit = max(2048, mib * 2)  # MiB, for the daemon and the stand-in alike
    wd = os.path.join(work, "bigfile")
    os.makedirs(wd)
    big = os.path.join(wd, "big.csv")
    say(f"bigfile: writing a {label} CSV")
    write_big_csv(big, size)
    sent = None
    try:
        try:
            mine, sent = bigfile_daemon(wd, big, size, limit, notes)
        except BenchError as e:
            mine = "n/a: failed"
            notes.append(f"bigfile dojobridge: {e}")
        if not have("curl"):
            base = "n/a: needs curl"
        else:
            try:
                base = bigfile_curl(wd + "-baseline", big, size, limit, sent, notes)
            except BenchError as e:
                base = "n/a: failed (curl -F)"
                notes.append(f"bigfile curl: {e}")
    finally:
        os.unlink(big)
    return [[f"{label} report upload (settle 0)", mine, base]]


def epoll_returns(path):
    """How many epoll waits the strace log at path shows returned."""
    with open(path, errors="replace") as f:
        return sum(1 for line in f if re.search(r"epoll_\w+\(.*\) += ", line) or "resumed>" in line)


def bench_idle(work, notes):
    """Two idle daemons side by side: one alone, whose context switches we
    count, and one under strace, whose epoll_wait returns we count.  A
    voluntary switch is any sleep, a read of a directory block from disk
    during the rescan as well as the epoll_wait itself, so the first counts
    more than wakeups; the second counts wakeups but slows what it traces."""
    seconds = env_int("BENCH_IDLE_SECONDS", 60)
    wd = os.path.join(work, "idle")
    stand = StandIn(wd)
    daemon = traced = watcher = None
    trace_log = os.path.join(wd, "strace.log")
    try:
        make_tree(os.path.join(wd, "drop"), 10)
        daemon = Daemon(wd, stand.url, os.path.join(wd, "drop"), ["settle = 10s"],
                        watch_lines=["rescan_interval = 60s"])
        if have("strace"):
            make_tree(os.path.join(wd, "traced", "drop"), 10)
            traced = Daemon(os.path.join(wd, "traced"), stand.url, os.path.join(wd, "traced", "drop"),
                            ["settle = 10s"], watch_lines=["rescan_interval = 60s"],
                            wrapper=["strace", "-f", "--seccomp-bpf", "-qq", "-o", trace_log,
                                     "-e", "trace=epoll_wait,epoll_pwait,epoll_pwait2"])
        if have("inotifywait"):
            # A tree of its own: the daemon's heartbeat is written under its drop root.
            make_tree(os.path.join(wd, "quiet"), 10)
            watcher = subprocess.Popen(["inotifywait", "-m", "-r", "-q", "-e", "close_write,moved_to",
                                        os.path.join(wd, "quiet")], stdout=subprocess.DEVNULL)
        time.sleep(2)  # past start-up
        say(f"idle: {seconds} s with nothing dropped (rescan_interval = 60s)")
        d0, c0 = proc_switches(daemon.pid), proc_cpu_ms(daemon.pid)
        e0 = epoll_returns(trace_log) if traced else None
        w0 = proc_switches(watcher.pid) if watcher else None
        t0 = time.monotonic()
        time.sleep(seconds)
        elapsed = time.monotonic() - t0
        daemon.alive()
        d1, c1 = proc_switches(daemon.pid), proc_cpu_ms(daemon.pid)
        per_min = 60 / elapsed
        woke = f"{(epoll_returns(trace_log) - e0) * per_min:.1f} (strace epoll_wait), " if traced else ""
        mine = (f"{woke}{(d1[0] - d0[0]) * per_min:.0f} vol. + {(d1[1] - d0[1]) * per_min:.0f} invol. "
                f"switches, {(c1 - c0) * per_min:.0f} CPU ms")
        if watcher:
            w1 = proc_switches(watcher.pid)
            base = (f"{(w1[0] - w0[0]) * per_min:.0f} vol. + {(w1[1] - w0[1]) * per_min:.0f} invol. switches "
                    f"(inotifywait -m -r idle)")
        else:
            base = "n/a: needs inotifywait"
        if stand.poll():
            notes.append(f"idle: {len(stand.uploads)} uploads with nothing dropped")
    finally:
        if watcher:
            watcher.terminate()
            watcher.wait()
        for d in (daemon, traced):
            if d:
                d.stop()
                notes.extend(f"idle, daemon log: {c}" for c in d.complaints())
        stand.stop()
    return [[f"idle wakeups per minute (rescan 60s, {seconds} s)", mine, base]]


def corpus_files():
    """The labelled corpus beside the tree (../shared/corpus), else tests/data/scans."""
    corpus = os.environ.get("DOJOBRIDGE_CORPUS", os.path.join("..", "shared", "corpus"))
    labels = os.path.join(corpus, "labels.tsv")
    if os.path.exists(labels):
        with open(labels) as f:
            rows = [line.split("\t")[0] for line in f.read().splitlines()[1:]]
        return "the labelled corpus", [p for p in (os.path.join(corpus, r) for r in rows) if os.path.isfile(p)]
    files = []
    for root, _, names in os.walk("tests/data/scans"):
        files += [os.path.join(root, n) for n in names]
    return "tests/data/scans", sorted(files)


def timed(argv, runs):
    """The best wall time of runs runs of argv (output discarded), and its CPU time."""
    best = None
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.monotonic() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        if p.returncode not in (0, 1):
            raise BenchError(f"{argv[0]} exited {p.returncode}")
        if best is None or wall < best[0]:
            best = (wall, cpu)
    return best


def bench_detect(work, notes):
    """Every corpus file through `dojobridge detect` with the sandbox on (one
    worker per CPU, each confined), beside `file -b` over the same files: both
    read every file's head, one of them also runs every plugin's probe and the
    winner's extract, in forked workers.  Best of BENCH_DETECT_RUNS runs."""
    runs = env_int("BENCH_DETECT_RUNS", 3)
    what, files = corpus_files()
    if not files:
        raise BenchError("no corpus files")
    size = sum(os.path.getsize(f) for f in files)
    nplugins = len(json.loads(subprocess.run(["./dojobridge", "plugins", "--json"], capture_output=True,
                                             text=True).stdout))
    say(f"detect: {len(files)} files of {what} ({size / 1e6:.0f} MB), {runs} runs each")
    mine = timed(["./dojobridge", "-q", "detect", "--json"] + files, runs)
    nosb = timed(["./dojobridge", "-q", "detect", "--no-sandbox", "--json"] + files, runs)
    notes.append(f"detect: without the sandbox (--no-sandbox, one process) {len(files) / nosb[0]:.0f} files/s, "
                 f"{nosb[1]:.2f} CPU s")
    label = f"detect {len(files)} files ({nplugins} plugins, sandbox on)"
    row_mine = f"{len(files) / mine[0]:.0f} files/s ({mine[0]:.2f} s, {mine[1]:.2f} CPU s)"
    if not have("file"):
        return [[label, row_mine, "n/a: needs file(1)"]]
    base = timed(["file", "-b"] + files, runs)
    return [[label, row_mine, f"{len(files) / base[0]:.0f} files/s ({base[0]:.2f} s, {base[1]:.2f} CPU s; file -b)"]]


BENCHMARKS = {"latency": bench_latency, "throughput": bench_throughput, "bigfile": bench_bigfile,
              "idle": bench_idle, "detect": bench_detect}


def main():
    names = sys.argv[1:] or list(BENCHMARKS)
    for n in names:
        if n not in BENCHMARKS:
            sys.exit(f"bench.py: unknown benchmark {n} (known: {' '.join(BENCHMARKS)})")
    work = tempfile.mkdtemp(prefix="dojobridge-bench.")
    rows, notes = [], []
    began = time.monotonic()
    try:
        for n in names:
            t = time.monotonic()
            try:
                rows += BENCHMARKS[n](work, notes)
            except BenchError as e:
                rows.append([n, "n/a: failed", ""])
                notes.append(f"{n}: {e}")
            say(f"{n}: {time.monotonic() - t:.0f} s")
    finally:
        if os.environ.get("BENCH_KEEP"):
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    say("")
    say(f"dojobridge benchmarks: {os.cpu_count()} CPUs, loopback stand-in (tests/fakedojo, TCP_NODELAY "
        f"as nginx), max_inflight 4 (default), {time.monotonic() - began:.0f} s in all")
    say("")
    widths = [max(len(r[i]) for r in rows + [["benchmark", "dojobridge", "baseline (what)"]]) for i in range(2)]
    for r in [["benchmark", "dojobridge", "baseline (what)"]] + rows:
        say(f"  {r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]}")
    if notes:
        say("")
        say("notes:")
        for n in notes:
            say(f"  {n}")


if __name__ == "__main__":
    main()
