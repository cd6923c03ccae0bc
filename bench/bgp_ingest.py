#!/usr/bin/env python3
"""BGP ingest benchmark: how fast a sender advertises and withdraws N IPv4 /32s.

Three senders are measured side by side, in the same run and on the same machine:
  herald       Herald's speaker (`bin/herald bgp announce`), a JVM started before the session
  gobgp        GoBGP (`gobgpd`), routes loaded by MRT inject before the session
  bird         BIRD 2 with a static protocol, kicked through its CLI every 5 ms (see below)
  bird-nokick  the same BIRD sender without the kick (shows BIRD's end-of-feed stall)
  blast        bench/bgp_blast.py: pre-encoded UPDATEs behind Herald's command line; it costs
               almost nothing per route, so it shows the receiver's own limit

Topology, built fresh for every measurement and deleted afterwards:
  <prefix>-rtr  veth0 192.0.2.1/24   receiver: BIRD 2, AS 64500, session configured `disabled`
  <prefix>-n1   veth1 192.0.2.11/24  sender, AS 64512, passive (listens on 192.0.2.11:179)
The two namespaces have no route but the connected /24, so nothing can leave them.

One measurement:
  1. start the receiver, then the sender with all N routes loaded ("preload", reported);
  2. T0 = `enable sender` on the receiver, which connects to the passive sender;
  3. T_est = the receiver's own Established timestamp (`timeformat protocol iso long ms`);
     T_all / T_99 = the first poll of the receiver that shows N / 99 % of N routes imported;
  4. the sender withdraws everything (herald: SIGUSR1, gobgp: `gobgp global rib del all`,
     bird: `disable static4`); T_w = the first poll that shows 0 routes.
The receiver is polled over ONE persistent connection to its control socket (no birdc fork
per poll), every 2 ms for N <= 1000 and every 5 ms otherwise. CPU is utime+stime of the
sender and receiver processes from /proc/PID/stat (all threads), as deltas over each phase.

Why the BIRD sender is kicked: BIRD 2.0.12's io_loop() sleeps up to 3 s when an event is queued
while its socket work list runs, so the last UPDATE of a table feed can leave seconds late.
Any CLI command wakes the loop; `bird` sends `show status` every 5 ms to be fair to BIRD, and
the 99 % column shows the feed without that tail in any case.

Run as root, e.g.:  bench/bgp_ingest.py --n 1000,10000,100000 --reps 3 --senders herald,gobgp,bird
"""
import argparse
import datetime
import ipaddress
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLK_TCK = os.sysconf("SC_CLK_TCK")
RECEIVER_AS, SENDER_AS = 64500, 64512
RECEIVER_IP, SENDER_IP = "192.0.2.1", "192.0.2.11"
BGP_PORT = 179
PREFIX_BASE = ipaddress.IPv4Address("100.64.0.0")  # data only: never a traffic target
RECEIVER_PROTO = "sender"
SENDERS = ("herald", "gobgp", "bird", "bird-nokick", "blast")
TIMEOUT_S = 300.0


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    pass


# ------------------------------------------------------------------ processes and cleanup
class Cleanup:
    """Everything this run started, so that it can be stopped by PID even on Ctrl-C."""

    def __init__(self):
        self.procs = []
        self.namespaces = []
        self.dirs = []

    def spawn(self, argv, log_path, **kw):
        out = open(log_path, "wb")
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=kw.pop("stdout", out),
                                stderr=subprocess.STDOUT, **kw)
        out.close()
        self.procs.append(proc)
        return proc

    def stop(self, proc, timeout=5.0):
        """SIGTERM, then SIGKILL after timeout; returns the exit code."""
        if proc.poll() is None:
            try:
                proc.terminate()
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc in self.procs:
            self.procs.remove(proc)
        return proc.returncode

    def all(self):
        for proc in list(self.procs):
            self.stop(proc, 3.0)
        for ns in list(self.namespaces):
            delete_namespace(ns)
            self.namespaces.remove(ns)
        for d in list(self.dirs):
            shutil.rmtree(d, ignore_errors=True)
            self.dirs.remove(d)


CLEANUP = Cleanup()


def on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def run(argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw)


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime of all threads
        except OSError:
            pass
    return total / CLK_TCK


def listening(pid, port):
    """True once the process's network namespace has a TCP socket listening on port;
    /proc/PID/net/tcp is the table of that process's namespace. The JVM binds an IPv6 socket
    even for an IPv4 address (::ffff:192.0.2.11), so tcp6 counts as well."""
    for table in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{pid}/net/{table}") as f:
                next(f)
                for line in f:
                    cols = line.split()
                    if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                        return True
        except OSError:
            pass
    return False


def tail(path, lines=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


# ------------------------------------------------------------------ namespaces
def delete_namespace(ns):
    """Stop whatever still runs inside our own namespace, then delete it."""
    pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(int(pid), sig)
            except OSError:
                pass
        if pids and sig == signal.SIGTERM:
            time.sleep(0.3)
            pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
    subprocess.run(["ip", "netns", "del", ns], capture_output=True)


class Lab:
    """Two namespaces joined by one veth pair; both ends are created inside the namespaces,
    so the root namespace never sees an interface, and no route leads out."""

    def __init__(self, prefix):
        self.rtr, self.node = f"{prefix}-rtr", f"{prefix}-n1"
        for ns in (self.rtr, self.node):
            run(["ip", "netns", "add", ns])
            CLEANUP.namespaces.append(ns)
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
        run(["ip", "link", "add", "veth0", "netns", self.rtr, "type", "veth", "peer", "name", "veth1",
             "netns", self.node])
        run(["ip", "-n", self.rtr, "addr", "add", f"{RECEIVER_IP}/24", "dev", "veth0"])
        run(["ip", "-n", self.node, "addr", "add", f"{SENDER_IP}/24", "dev", "veth1"])
        run(["ip", "-n", self.rtr, "link", "set", "veth0", "up"])
        run(["ip", "-n", self.node, "link", "set", "veth1", "up"])

    def close(self):
        for ns in (self.rtr, self.node):
            if ns in CLEANUP.namespaces:
                delete_namespace(ns)
                CLEANUP.namespaces.remove(ns)


# ------------------------------------------------------------------ BIRD control socket
class BirdCtl:
    """One persistent connection to a BIRD control socket. A reply ends with a line that
    starts with a four-digit code and a space."""

    END = re.compile(rb"(?:^|\n)\d{4} [^\n]*\n$")
    ROUTES = re.compile(rb"Routes:\s+(\d+) imported")
    STATE = re.compile(rb"BGP state:\s+(\S+)")
    SINCE = re.compile(rb"^\d{4}-\S+\s+BGP\s+\S+\s+\S+\s+(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)", re.M)

    def __init__(self, path, timeout=10.0):
        deadline = time.time() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.time() > deadline:
                    raise BenchError(f"no BIRD control socket at {path}")
                time.sleep(0.02)
        self._read()  # greeting: "0001 BIRD 2.0.12 ready."

    def _read(self):
        buf = b""
        while True:
            data = self.sock.recv(65536)
            if not data:
                raise BenchError("BIRD closed its control socket")
            buf += data
            if self.END.search(buf):
                return buf

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\n")
        return self._read()

    def protocol(self, name):
        """-> (BGP state, routes imported, Established-since as unix time or None)"""
        out = self.cmd(f"show protocols all {name}")
        state = self.STATE.search(out)
        routes = self.ROUTES.search(out)
        since = self.SINCE.search(out)
        ts = None
        if since:
            ts = datetime.datetime.strptime(since.group(1).decode(), "%Y-%m-%d %H:%M:%S.%f").timestamp()
        return (state.group(1).decode() if state else "?", int(routes.group(1)) if routes else 0, ts)

    def close(self):
        self.sock.close()


def poll(ctl, done, interval, timeout=TIMEOUT_S, p99=None):
    """Poll the receiver until done(state, imported). Records the first poll with the session
    Established (and BIRD's own timestamp of it), with imported >= p99, and with done."""
    t_start = time.time()
    res = {"t_est_poll": None, "t_est_bird": None, "t_p99": None, "t_done": None, "polls": 0}
    while True:
        state, imported, since = ctl.protocol(RECEIVER_PROTO)
        now = time.time()
        res["polls"] += 1
        if state == "Established" and res["t_est_poll"] is None:
            res["t_est_poll"], res["t_est_bird"] = now, since
        if p99 is not None and res["t_p99"] is None and imported >= p99:
            res["t_p99"] = now
        if done(state, imported):
            res.update(t_done=now, imported=imported, state=state)
            return res
        if now - t_start > timeout:
            res.update(imported=imported, state=state, timed_out=True)
            return res
        time.sleep(interval)


# ------------------------------------------------------------------ prefixes and MRT
def prefixes(n):
    base = int(PREFIX_BASE)
    return [f"{ipaddress.IPv4Address(base + i)}/32" for i in range(n)]


def write_mrt(pfx, path, pad=4096):
    """Write the prefixes as an MRT TABLE_DUMP_V2 file (RFC 6396 §4.3) for `gobgp mrt inject`.

    Attributes: ORIGIN IGP, empty AS_PATH (locally originated), NEXT_HOP 0.0.0.0, which GoBGP
    replaces with its own address towards an eBGP peer. `pad` duplicates of the first prefix are
    appended: the gobgp 3.10 CLI closes its stream without waiting for the server, which
    silently drops the last records in flight; only harmless duplicates are lost that way."""
    now = int(time.time())
    zero = bytes(4)

    def record(subtype, body):  # MRT common header, RFC 6396 §2: type 13 = TABLE_DUMP_V2
        return struct.pack("!IHHI", now, 13, subtype, len(body)) + body

    # PEER_INDEX_TABLE (subtype 1): collector id, empty view name, one peer (IPv4, 4-byte AS)
    chunks = [record(1, zero + struct.pack("!HH", 0, 1) + struct.pack("!B4s4sI", 0x02, zero, zero, 0))]
    attrs = (bytes([0x40, 1, 1, 0])            # ORIGIN IGP
             + bytes([0x40, 2, 0])             # AS_PATH, empty
             + bytes([0x40, 3, 4]) + zero)     # NEXT_HOP
    entry = struct.pack("!HIH", 0, now, len(attrs)) + attrs
    seq = 0
    for p in pfx + [pfx[0]] * pad:
        addr, plen = p.split("/")
        plen = int(plen)
        octets = socket.inet_aton(addr)[: (plen + 7) // 8]
        # RIB_IPV4_UNICAST (subtype 2): sequence, prefix, entry count, entries
        chunks.append(record(2, struct.pack("!IB", seq, plen) + octets + struct.pack("!H", 1) + entry))
        seq += 1
    with open(path, "wb") as f:
        f.write(b"".join(chunks))


# ------------------------------------------------------------------ receiver
class Receiver:
    """BIRD in the rtr namespace; its one session is `disabled` until the bench enables it."""

    def __init__(self, lab, workdir):
        self.dir = os.path.join(workdir, "receiver")
        os.makedirs(self.dir)
        conf = os.path.join(self.dir, "bird.conf")
        with open(conf, "w") as f:
            f.write(f"""log "{self.dir}/bird.log" {{ info, remote, warning, error, auth, fatal, bug }};
router id {RECEIVER_IP};
timeformat protocol iso long ms;
protocol device {{ scan time 10; }}
protocol bgp {RECEIVER_PROTO} {{
  local {RECEIVER_IP} port {BGP_PORT} as {RECEIVER_AS};
  neighbor {SENDER_IP} port {BGP_PORT} as {SENDER_AS};
  hold time 90; keepalive time 30;
  connect delay time 1; connect retry time 2; error wait time 1,5;
  disabled;
  ipv4 {{ import all; export none; }};
}}
""")
        ctl = os.path.join(self.dir, "bird.ctl")
        self.proc = CLEANUP.spawn(["ip", "netns", "exec", lab.rtr, "bird", "-f", "-c", conf, "-s", ctl],
                                  os.path.join(self.dir, "stdout.log"))
        try:
            self.ctl = BirdCtl(ctl)
        except BenchError:
            raise BenchError("receiver BIRD did not start:\n" + tail(os.path.join(self.dir, "stdout.log")))
        self.pids = [self.proc.pid]

    def close(self):
        self.ctl.close()
        CLEANUP.stop(self.proc)


# ------------------------------------------------------------------ senders
class Sender:
    """A passive sender in the node namespace with N routes loaded before any session."""

    name = "?"

    def __init__(self, lab, workdir, pfx, pfx_file):
        self.lab, self.n = lab, len(pfx)
        self.dir = os.path.join(workdir, self.name)
        os.makedirs(self.dir)
        self.info = {}

    def wait_listening(self, proc, log_path, timeout=TIMEOUT_S):
        deadline = time.time() + timeout
        while not listening(proc.pid, BGP_PORT):
            if proc.poll() is not None:
                raise BenchError(f"{self.name} exited with {proc.returncode}:\n{tail(log_path)}")
            if time.time() > deadline:
                raise BenchError(f"{self.name} is not listening on {BGP_PORT}:\n{tail(log_path)}")
            time.sleep(0.01)

    def session_starting(self):
        """Called right before T0."""

    def withdraw(self):
        raise NotImplementedError

    def close(self):
        raise NotImplementedError


class CliSender(Sender):
    """A speaker with the command line of `herald bgp announce`: Herald itself, or bgp_blast.py.
    It prints `established ...` when the session is up and `sent ...` when all prefixes are
    written; SIGUSR1 withdraws all (`withdrew ...`), SIGTERM closes the session with a Cease
    NOTIFICATION and exits 0."""

    def __init__(self, name, command, lab, workdir, pfx, pfx_file):
        self.name = name
        super().__init__(lab, workdir, pfx, pfx_file)
        self.log_path = os.path.join(self.dir, f"{name}.log")
        self.lines = []
        argv = ["ip", "netns", "exec", lab.node, *command,
                "--local-asn", str(SENDER_AS), "--peer", RECEIVER_IP, "--peer-asn", str(RECEIVER_AS),
                "--router-id", SENDER_IP, "--passive", "--listen", f"{SENDER_IP}:{BGP_PORT}",
                "--prefix-file", pfx_file, "--hold-time", "90s"]
        # ip netns exec, bin/herald and its `exec java` keep one PID: CPU is the JVM's own
        self.t_spawn = time.time()
        self.proc = CLEANUP.spawn(argv, self.log_path, stdout=subprocess.PIPE)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.wait_listening(self.proc, self.log_path)
        self.pids = [self.proc.pid]

    def _read(self):
        with open(self.log_path, "ab") as f:
            for raw in self.proc.stdout:
                self.lines.append((time.time(), raw.decode(errors="replace").rstrip("\n")))
                f.write(raw)
                f.flush()

    def first_line(self, word):
        return next(((t, line) for t, line in self.lines if line.startswith(word)), (None, None))

    def withdraw(self):
        os.kill(self.proc.pid, signal.SIGUSR1)

    def close(self):
        rc = CLEANUP.stop(self.proc, 10.0)
        self.reader.join(2.0)
        self.info["exit_code"] = rc
        # seconds since the process was started
        self.info["stdout"] = [f"{t - self.t_spawn:.3f} {line}" for t, line in self.lines[:20]]
        for word in ("established", "sent ", "withdrew "):
            t, line = self.first_line(word)
            self.info[f"line_{word.strip()}"] = line
            self.info[f"t_{word.strip()}"] = t


class GobgpSender(Sender):
    name = "gobgp"

    def __init__(self, lab, workdir, pfx, pfx_file):
        super().__init__(lab, workdir, pfx, pfx_file)
        self.api = f"unix://{self.dir}/api.sock"
        conf = os.path.join(self.dir, "gobgpd.toml")
        with open(conf, "w") as f:
            f.write(f"""[global.config]
  as = {SENDER_AS}
  router-id = "{SENDER_IP}"
  port = {BGP_PORT}
  local-address-list = ["{SENDER_IP}"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "{RECEIVER_IP}"
    peer-as = {RECEIVER_AS}
  [neighbors.transport.config]
    local-address = "{SENDER_IP}"
    passive-mode = true
  [neighbors.timers.config]
    hold-time = 90
    keepalive-interval = 30
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
""")
        log_path = os.path.join(self.dir, "gobgpd.log")
        # gRPC on a unix socket and no pprof: by default gobgpd serves :50051 and localhost:6060
        self.proc = CLEANUP.spawn(["ip", "netns", "exec", lab.node, "gobgpd", "-f", conf, "-p",
                                   "--api-hosts", self.api, "--pprof-disable"], log_path)
        self.pids = [self.proc.pid]
        deadline = time.time() + 30
        while subprocess.run(self.cli("global"), capture_output=True).returncode != 0:
            if self.proc.poll() is not None or time.time() > deadline:
                raise BenchError("gobgpd did not start:\n" + tail(log_path))
            time.sleep(0.05)
        mrt = os.path.join(self.dir, "routes.mrt")
        write_mrt(pfx, mrt)
        run(self.cli("mrt", "inject", "global", mrt))
        # the CLI returns before the server has taken the whole stream: wait for the RIB
        deadline = time.time() + TIMEOUT_S
        while self.rib_count() < self.n:
            if time.time() > deadline:
                raise BenchError(f"gobgp RIB holds {self.rib_count()} of {self.n} routes")
            time.sleep(0.05)
        self.wait_listening(self.proc, log_path)

    def cli(self, *args):
        return ["gobgp", "--target", self.api, *args]

    def rib_count(self):
        out = subprocess.run(self.cli("global", "rib", "summary", "-a", "ipv4"),
                             capture_output=True, text=True).stdout
        m = re.search(r"Destination:\s*([\d,]+)", out)
        return int(m.group(1).replace(",", "")) if m else 0

    def withdraw(self):
        run(self.cli("global", "rib", "del", "all", "-a", "ipv4"))

    def close(self):
        CLEANUP.stop(self.proc)


class BirdSender(Sender):
    name = "bird"

    def __init__(self, lab, workdir, pfx, pfx_file, kick=True):
        self.name = "bird" if kick else "bird-nokick"
        super().__init__(lab, workdir, pfx, pfx_file)
        self.kick = kick
        conf = os.path.join(self.dir, "bird.conf")
        with open(conf, "w") as f:
            f.write(f"""log "{self.dir}/bird.log" {{ info, remote, warning, error, auth, fatal, bug }};
router id {SENDER_IP};
timeformat protocol iso long ms;
protocol device {{ scan time 10; }}
protocol static static4 {{
  ipv4;
""")
            f.writelines(f"  route {p} blackhole;\n" for p in pfx)
            f.write(f"""}}
protocol bgp receiver {{
  local {SENDER_IP} port {BGP_PORT} as {SENDER_AS};
  neighbor {RECEIVER_IP} port {BGP_PORT} as {RECEIVER_AS};
  hold time 90; keepalive time 30;
  passive on;
  ipv4 {{ import none; export where source = RTS_STATIC; }};
}}
""")
        ctl_path = os.path.join(self.dir, "bird.ctl")
        log_path = os.path.join(self.dir, "stdout.log")
        self.proc = CLEANUP.spawn(["ip", "netns", "exec", lab.node, "bird", "-f", "-c", conf, "-s", ctl_path],
                                  log_path)
        self.pids = [self.proc.pid]
        try:
            self.ctl = BirdCtl(ctl_path, timeout=60)
        except BenchError:
            raise BenchError("sender BIRD did not start:\n" + tail(log_path))
        want = re.compile(rb"Routes:\s+%d imported" % self.n)
        deadline = time.time() + TIMEOUT_S
        while not want.search(self.ctl.cmd("show protocols all static4")):
            if time.time() > deadline:
                raise BenchError("static4 did not load all routes")
            time.sleep(0.02)
        self.wait_listening(self.proc, log_path)
        self.kicker = None
        self.kick_stop = threading.Event()
        self.ctl_path = ctl_path

    def session_starting(self):
        if not self.kick:
            return
        kick_ctl = BirdCtl(self.ctl_path)

        def kick():
            # one CLI command every 5 ms wakes BIRD's event loop, see the module doc
            try:
                while not self.kick_stop.is_set():
                    kick_ctl.cmd("show status")
                    time.sleep(0.005)
            finally:
                kick_ctl.close()

        self.kicker = threading.Thread(target=kick, daemon=True)
        self.kicker.start()

    def withdraw(self):
        self.ctl.cmd("disable static4")

    def close(self):
        if self.kicker:
            self.kick_stop.set()
            self.kicker.join(2.0)
        self.ctl.close()
        CLEANUP.stop(self.proc)


# ------------------------------------------------------------------ one measurement
def measure(kind, n, rep, args, tag):
    workdir = tempfile.mkdtemp(prefix=f"hrldb-{kind}-{n}-")
    CLEANUP.dirs.append(workdir)
    lab = Lab(tag)
    receiver = sender = None
    pfx = prefixes(n)
    pfx_file = os.path.join(workdir, "prefixes.txt")
    with open(pfx_file, "w") as f:
        f.write("\n".join(pfx) + "\n")
    os.chmod(workdir, 0o755)
    try:
        receiver = Receiver(lab, workdir)
        t = time.time()
        if kind == "herald":
            sender = CliSender(kind, [args.herald_bin, "bgp", "announce"], lab, workdir, pfx, pfx_file)
        elif kind == "blast":
            sender = CliSender(kind, [sys.executable, os.path.join(REPO, "bench", "bgp_blast.py")],
                               lab, workdir, pfx, pfx_file)
        elif kind == "gobgp":
            sender = GobgpSender(lab, workdir, pfx, pfx_file)
        else:
            sender = BirdSender(lab, workdir, pfx, pfx_file, kick=(kind == "bird"))
        preload_s = time.time() - t
        interval = 0.002 if n <= 1000 else 0.005
        time.sleep(0.3)  # let the sender settle after its start-up burst
        sender.session_starting()
        cpu_s0, cpu_r0 = cpu_seconds(sender.pids), cpu_seconds(receiver.pids)
        t0 = time.time()
        receiver.ctl.cmd(f"enable {RECEIVER_PROTO}")
        sync = poll(receiver.ctl, lambda st, k: st == "Established" and k >= n, interval,
                    p99=math.ceil(n * 0.99))
        cpu_s1, cpu_r1 = cpu_seconds(sender.pids), cpu_seconds(receiver.pids)
        if sync.get("timed_out"):
            raise BenchError(f"{kind} N={n}: receiver holds {sync['imported']} routes after {TIMEOUT_S} s "
                             f"(state {sync['state']})")
        t_est = sync["t_est_bird"] or sync["t_est_poll"]
        row = dict(sender=kind, n=n, rep=rep, poll_interval_s=interval, preload_s=preload_s,
                   connect_s=t_est - t0, sync_s=sync["t_done"] - t_est, sync99_s=sync["t_p99"] - t_est,
                   cpu_sender_sync_s=cpu_s1 - cpu_s0, cpu_receiver_sync_s=cpu_r1 - cpu_r0,
                   polls_sync=sync["polls"], established_from_bird=sync["t_est_bird"] is not None)
        time.sleep(0.3)
        cpu_s1, cpu_r1 = cpu_seconds(sender.pids), cpu_seconds(receiver.pids)
        t_w0 = time.time()
        sender.withdraw()
        wd = poll(receiver.ctl, lambda st, k: k == 0, interval)
        if wd.get("timed_out"):
            raise BenchError(f"{kind} N={n}: receiver still holds {wd['imported']} routes after withdraw")
        row.update(withdraw_s=wd["t_done"] - t_w0,
                   cpu_sender_withdraw_s=cpu_seconds(sender.pids) - cpu_s1,
                   cpu_receiver_withdraw_s=cpu_seconds(receiver.pids) - cpu_r1,
                   polls_withdraw=wd["polls"], receiver_state_after_withdraw=wd["state"])
        sender.close()
        if sender.info:
            info = dict(sender.info)
            for key in ("t_established", "t_sent", "t_withdrew"):
                if info.get(key) is not None:  # sender-side lines, relative to T_est / T_w0
                    info[key] = info[key] - (t_w0 if key == "t_withdrew" else t_est)
            row["sender_info"] = info
        sender = None
        return row
    finally:
        if sender:
            sender.close()
        if receiver:
            receiver.close()
        lab.close()
        shutil.rmtree(workdir, ignore_errors=True)
        CLEANUP.dirs.remove(workdir)


# ------------------------------------------------------------------ environment
def herald_available(herald_bin):
    """The speaker CLI is there when `bgp announce --help` succeeds."""
    if not os.access(herald_bin, os.X_OK):
        return f"{herald_bin} is not executable"
    try:
        p = subprocess.run([herald_bin, "bgp", "announce", "--help"], capture_output=True, text=True,
                           timeout=60)
    except subprocess.TimeoutExpired:
        return "`bgp announce --help` did not return within 60 s"
    if p.returncode != 0 or "--prefix-file" not in p.stdout + p.stderr:
        return ("this build of Herald has no `bgp announce` command yet "
                f"(`{herald_bin} bgp announce --help` does not list --prefix-file)")
    return None


def first_line(argv):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        return (p.stdout + p.stderr).strip().splitlines()[0]
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return "?"


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return dict(nproc=os.cpu_count(), cpu=cpu, memory=mem, kernel=platform.release(),
                python=platform.python_version(), bird=first_line(["bird", "--version"]),
                gobgpd=first_line(["gobgpd", "--version"]),
                java=first_line(["java", "-version"]))


# ------------------------------------------------------------------ report
def fmt(xs, digits=3):
    xs = [x for x in xs if x is not None]
    if not xs:
        return "n/a"
    return f"{statistics.median(xs):.{digits}f} ({min(xs):.{digits}f}–{max(xs):.{digits}f})"


def med(rows, key):
    xs = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(xs) if xs else None


def ratio(num, den):
    if num is None or den is None:
        return "n/a"
    return f"{num / den:.1f}×" if den > 0 else "∞"


def report(result):
    rows, senders, ns = result["rows"], result["senders"], result["n"]
    by = {}
    for r in rows:
        by.setdefault((r["sender"], r["n"]), []).append(r)
    out = ["| sender | N | reps | preload, s | Established → all N, s | → 99 %, s | withdraw all, s "
           "| CPU sender sync / withdraw, s | CPU receiver sync / withdraw, s | × Herald: all N | × Herald: 99 % "
           "| × Herald: withdraw |",
           "|---|---:|---:|---|---|---|---|---|---|---:|---:|---:|"]
    for n in ns:
        herald = by.get(("herald", n), [])
        for s in senders:
            rs = by.get((s, n), [])
            if not rs:
                continue
            out.append(
                f"| {s} | {n:,} | {len(rs)} | {fmt([r['preload_s'] for r in rs], 2)} "
                f"| {fmt([r['sync_s'] for r in rs])} | {fmt([r['sync99_s'] for r in rs])} "
                f"| {fmt([r['withdraw_s'] for r in rs])} "
                f"| {med(rs, 'cpu_sender_sync_s'):.2f} / {med(rs, 'cpu_sender_withdraw_s'):.2f} "
                f"| {med(rs, 'cpu_receiver_sync_s'):.2f} / {med(rs, 'cpu_receiver_withdraw_s'):.2f} "
                f"| {ratio(med(rs, 'sync_s'), med(herald, 'sync_s'))} "
                f"| {ratio(med(rs, 'sync99_s'), med(herald, 'sync99_s'))} "
                f"| {ratio(med(rs, 'withdraw_s'), med(herald, 'withdraw_s'))} |")
    out.append("")
    out.append("× Herald = the other sender's median time divided by Herald's (how many times faster Herald is).")
    out.append(f"Load average (1/5/15 min) at start: {result['loadavg_start']}, at end: {result.get('loadavg_end', '?')}.")
    if result.get("skipped"):
        for s, why in result["skipped"].items():
            out.append(f"\nNot measured: **{s}**: {why}")
    big = max(ns)
    h, g, b = by.get(("herald", big)), by.get(("gobgp", big)), by.get(("bird", big))
    if h and (g or b):
        out.append(f"\nTargets at N = {big:,} (medians):")
        checks = []
        if g:
            checks.append(("advertise ≥ 10× faster than GoBGP", med(g, "sync_s") / med(h, "sync_s"), 10))
            checks.append(("withdraw all ≥ 100× faster than GoBGP", med(g, "withdraw_s") / med(h, "withdraw_s"), 100))
        if b:
            checks.append(("advertise no slower than BIRD (kicked)", med(b, "sync_s") / med(h, "sync_s"), 1))
            checks.append(("advertise no slower than BIRD at 99 %", med(b, "sync99_s") / med(h, "sync99_s"), 1))
        for what, x, goal in checks:
            out.append(f"- {what}: {x:.1f}× — {'met' if x >= goal else 'NOT met'}")
    return "\n".join(out)


# ------------------------------------------------------------------ main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", default="1000,10000,100000", help="comma-separated route counts")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--senders", default="herald,gobgp,bird", help=f"comma-separated, of {','.join(SENDERS)}")
    ap.add_argument("--herald-bin", default=os.path.join(REPO, "bin", "herald"))
    ap.add_argument("--out", default=os.path.join(REPO, "bench", "results"), help="folder for raw JSON")
    ap.add_argument("--ns-prefix", default=f"hrldb{os.getpid()}", help="prefix of the namespace names")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bgp_ingest: must run as root (network namespaces)")
    senders = [s for s in a.senders.split(",") if s]
    bad = [s for s in senders if s not in SENDERS]
    if bad:
        sys.exit(f"bgp_ingest: unknown sender(s) {bad}; known: {', '.join(SENDERS)}")
    ns = [int(x) for x in a.n.split(",")]
    skipped = {}
    if "herald" in senders:
        why = herald_available(a.herald_bin)
        if why:
            log(f"WARNING: Herald sender skipped: {why}")
            skipped["herald"] = why
            senders.remove("herald")
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    os.makedirs(a.out, exist_ok=True)
    out_json = os.path.join(a.out, f"bgp-ingest-{stamp}.json")
    result = dict(started=stamp, argv=sys.argv[1:], machine=machine(), loadavg_start=loadavg(), n=ns, reps=a.reps,
                  senders=senders, skipped=skipped, rows=[], errors=[])
    log(json.dumps(result["machine"]))
    try:
        # interleave the senders inside every rep so that drift of the machine hits all alike
        for n in ns:
            for rep in range(1, a.reps + 1):
                for s in senders:
                    try:
                        row = measure(s, n, rep, a, a.ns_prefix)
                    except BenchError as e:
                        log(f"ERROR {s} N={n} rep {rep}: {e}")
                        result["errors"].append(dict(sender=s, n=n, rep=rep, error=str(e)))
                        continue
                    log(json.dumps(row))
                    result["rows"].append(row)
                    with open(out_json, "w") as f:
                        json.dump(result, f, indent=1)
    finally:
        CLEANUP.all()
    result["loadavg_end"] = loadavg()
    md = report(result)
    with open(out_json, "w") as f:
        json.dump(result, f, indent=1)
    with open(out_json[:-5] + ".md", "w") as f:
        f.write(md + "\n")
    print(md)
    log(f"raw results: {out_json}")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt as e:
        CLEANUP.all()
        sys.exit(f"bgp_ingest: interrupted ({e or 'Ctrl-C'}); everything it started was stopped")
