#!/usr/bin/env python3
"""Resident memory of one real Herald node holding N Services announced to three BGP peers.

Per repetition, on loopback only (127.0.0.1-5), every process started here and stopped by PID:
  sandbox   `herald sandbox-api`, given (8 POSTs at a time) N LoadBalancer Services (ETP
            Cluster), one EndpointSlice each with a ready endpoint on the node, the Node, and the
            legacy MetalLB ConfigMap (one pool, three BGP peers)
  node      `bin/herald node --kubeconfig ...` on 127.0.0.3 (bin/herald's JVM defaults, or
            --java-opts): allocates the N addresses, writes status, announces to the peers
  peers     BIRD 2 on 127.0.0.2 (multihop, passive), `herald bgp collect` on 127.0.0.4 and .5
            (GoBGP cannot be one: it treats a loopback NEXT_HOP as invalid and drops the routes)
Once all three peers hold N routes, the sandbox holds everything the node writes for N Services
(every status, one ServiceBGPStatus each, the IPAllocated and nodeAssigned Events), and the node
has then been quiet for --hold seconds (30) and its resident size has settled, it reads VmRSS
and VmHWM of the node from /proc/PID/status, the node's heap (jstat -gc, before and after a
full GC asked with jcmd), and the receivers' resident sizes holding the same N routes.

  bench/node_footprint.py --n 10000 --reps 3 [--java-opts "-Xmx256m ..."]
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE_IP, BIRD_IP, COLLECT_IP, COLLECT2_IP = "127.0.0.3", "127.0.0.2", "127.0.0.4", "127.0.0.5"
NODE_AS, PEER_AS = 64512, 64500
TIMEOUT_S = 600
PROCS = []


def log(*parts):
    print("node-footprint:", *parts, file=sys.stderr, flush=True)


def free_port(ip, low=None):
    """A free TCP port on ip; from low..16000 when given (MetalLB limits peer ports to 1..16384)."""
    if low is None:
        with socket.socket() as s:
            s.bind((ip, 0))
            return s.getsockname()[1]
    for port in range(low, 16000):
        with socket.socket() as s:
            try:
                s.bind((ip, port))
                return port
            except OSError:
                continue
    raise RuntimeError(f"no free port on {ip}")


def spawn(argv, out_path, **kw):
    f = open(out_path, "w")
    p = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, start_new_session=True, **kw)
    PROCS.append(p)
    return p


def stop(p, sig=signal.SIGTERM, timeout=30):
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if p in PROCS:
        PROCS.remove(p)


def stop_all():
    for p in list(PROCS):
        stop(p, signal.SIGKILL)


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def wait_for(what, cond, timeout=TIMEOUT_S, procs=()):
    deadline = time.time() + timeout
    while True:
        v = cond()
        if v:
            return v
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError(f"{what}: process {p.args[0]} exited with {p.returncode}")
        if time.time() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.5)


def cluster_objects(n, ports):
    """The objects the sandbox gets: (API path, object), namespaces and configuration first."""
    first = [("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"ns-{k}"}})
             for k in range(50)]
    first.append(("/api/v1/nodes", {"apiVersion": "v1", "kind": "Node", "metadata": {
        "name": "bench-node", "labels": {"kubernetes.io/hostname": "bench-node"}}}))
    peers = "".join(f"""  - peer-address: {ip}
    peer-port: {port}
    peer-asn: {PEER_AS}
    my-asn: {NODE_AS}
    source-address: {NODE_IP}
""" for ip, port in ports)
    config = f"peers:\n{peers}address-pools:\n  - name: bench\n    protocol: bgp\n    addresses: [10.0.0.0/16]\n"
    first.append(("/api/v1/namespaces/metallb-system/configmaps", {"apiVersion": "v1", "kind": "ConfigMap",
                  "metadata": {"name": "config", "namespace": "metallb-system"}, "data": {"config": config}}))
    rest = []
    for i in range(n):
        name, ns = f"svc-{i:05d}", f"ns-{i % 50}"
        rest.append((f"/api/v1/namespaces/{ns}/services", {
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
            "spec": {"type": "LoadBalancer", "externalTrafficPolicy": "Cluster", "selector": {"app": name},
                     "ports": [{"name": "http", "protocol": "TCP", "port": 80}]}}))
        rest.append((f"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices", {
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": f"{name}-1", "namespace": ns, "labels": {"kubernetes.io/service-name": name}},
            "addressType": "IPv4",
            "endpoints": [{"addresses": [f"10.244.{(i >> 8) & 255}.{i & 255}"], "nodeName": "bench-node",
                           "conditions": {"ready": True}}],
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}))
    return first, rest


def post_all(url, objects, threads):
    """Creates the objects through the API, several at a time (the sandbox's own --load is serial)."""
    def post(item):
        path, obj = item
        req = urllib.request.Request(url + path, data=json.dumps(obj).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": "Bearer sandbox"})
        with urllib.request.urlopen(req, timeout=120) as r:
            if r.status // 100 != 2:
                raise RuntimeError(f"POST {path}: HTTP {r.status}")
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for f in [pool.submit(post, o) for o in objects]:
            f.result()


def start_bird(d, port):
    conf = os.path.join(d, "bird.conf")
    with open(conf, "w") as f:
        f.write(f"""log "{d}/bird.log" {{ warning, error, fatal, bug }};
router id {BIRD_IP};
protocol device {{ scan time 60; }}
protocol bgp herald {{
  local {BIRD_IP} port {port} as {PEER_AS};
  neighbor {NODE_IP} as {NODE_AS};
  multihop;   # loopback: no directly connected interface to check the neighbor against
  passive on;
  ipv4 {{ import all; export none; }};
}}
""")
    ctl = os.path.join(d, "bird.ctl")
    p = spawn(["bird", "-f", "-c", conf, "-s", ctl, "-P", os.path.join(d, "bird.pid")], os.path.join(d, "bird.out"))

    def count():
        r = subprocess.run(["birdc", "-s", ctl, "show", "route", "count"], capture_output=True, text=True)
        for line in r.stdout.splitlines():
            if "of" in line and "routes" in line:
                return int(line.split()[0])
        return 0
    return p, count


def start_collector(d, ip, port, herald):
    out = os.path.join(d, f"collect-{ip}.out")
    p = spawn([herald, "bgp", "collect", "--local-asn", str(PEER_AS), "--peer", NODE_IP, "--peer-asn",
               str(NODE_AS), "--listen", f"{ip}:{port}"], out,
              env=dict(os.environ, HERALD_JAVA_OPTS=""))

    def count():
        plus = minus = 0
        with open(out) as f:
            for line in f:
                if line.startswith("+"):
                    plus += 1
                elif line.startswith("-"):
                    minus += 1
        return plus - minus
    return p, count


def get_json(url, path):
    req = urllib.request.Request(url + path, headers={"Authorization": "Bearer sandbox"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.load(r)


def written(url):
    """(Services with an address in status, ServiceBGPStatus objects, Events) in the sandbox."""
    time.sleep(2)   # each call lists every Service: not more often than this
    services = get_json(url, "/api/v1/services")["items"]
    with_status = sum(1 for s in services if s.get("status", {}).get("loadBalancer", {}).get("ingress"))
    statuses = len(get_json(url, "/apis/metallb.io/v1beta1/namespaces/metallb-system/servicebgpstatuses")["items"])
    events = len(get_json(url, "/api/v1/events")["items"])
    return with_status, statuses, events


def jstat_gc(pid):
    """The columns of `jstat -gc` (capacities *C and use *U of each space), in KiB."""
    r = subprocess.run(["jstat", "-gc", str(pid)], capture_output=True, text=True, check=True)
    names, values = r.stdout.split("\n")[0].split(), r.stdout.split("\n")[1].split()
    return {k: float(v) for k, v in zip(names, values) if v != "-"}


def heap_used_kb(pid):
    """Heap in use (survivors + eden + old) and metaspace in use, in KiB."""
    g = jstat_gc(pid)
    return g["S0U"] + g["S1U"] + g["EU"] + g["OU"], g.get("MU", 0.0)


def heap_committed_kb(pid):
    """Heap committed (both survivors, eden, old), in KiB."""
    g = jstat_gc(pid)
    return g["S0C"] + g["S1C"] + g["EC"] + g["OC"]


def one_run(n, java_opts, keep, hold):
    d = tempfile.mkdtemp(prefix="herald-footprint-")
    herald = os.path.join(ROOT, "bin", "herald")
    try:
        # Distinct ranges: BIRD listens on the wildcard address, not only on its own.
        ports = [(BIRD_IP, free_port("0.0.0.0", 11790)), (COLLECT_IP, free_port(COLLECT_IP, 12790)),
                 (COLLECT2_IP, free_port(COLLECT2_IP, 13790))]
        bird, bird_count = start_bird(d, ports[0][1])
        collector, collect_count = start_collector(d, COLLECT_IP, ports[1][1], herald)
        collector2, collect2_count = start_collector(d, COLLECT2_IP, ports[2][1], herald)
        kubeconfig = os.path.join(d, "kubeconfig")
        t = time.time()
        sandbox = spawn([herald, "sandbox-api", "--bind", "127.0.0.1", "--port", "0", "--kubeconfig-out", kubeconfig],
                        os.path.join(d, "sandbox.out"), env=dict(os.environ, HERALD_JAVA_OPTS=""))
        wait_for("the sandbox API", lambda: "kubeconfig:" in open(os.path.join(d, "sandbox.out")).read(),
                 procs=[sandbox])
        url = [w for w in open(os.path.join(d, "sandbox.out")).read().split() if w.startswith("http://")][0]
        first, rest = cluster_objects(n, ports)
        post_all(url, first, 1)
        post_all(url, rest, 8)
        log(f"sandbox holds {n} Services and EndpointSlices after {time.time() - t:.0f} s")
        with open(os.path.join(d, "initial.yaml"), "w") as f:
            f.write("apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: bench}\n"
                    "spec: {addresses: [10.0.0.0/16]}\n")
        env = dict(os.environ)
        if java_opts is not None:
            env["HERALD_JAVA_OPTS"] = java_opts
            env["HERALD_JVM_DEFAULTS"] = "off"
        t0 = time.time()
        node = spawn([herald, "node", "--config", os.path.join(d, "initial.yaml"), "--node-name", "bench-node",
                      "--kubeconfig", kubeconfig, "--bind", f"{NODE_IP}:{free_port(NODE_IP)}",
                      "--http", f"{NODE_IP}:{free_port(NODE_IP)}", "--journal", "h2:" + os.path.join(d, "journal"),
                      "--informer-timeout", "300s", "--drain-time", "0s"], os.path.join(d, "node.out"), env=env)
        counts = {"bird": bird_count, "collect": collect_count, "collect2": collect2_count}
        wait_for(f"{n} routes at all three peers", lambda: all(c() >= n for c in counts.values()),
                 procs=[node, bird, collector, collector2, sandbox])
        announced = time.time() - t0
        # A node holding N Services has written everything they call for: every status, one
        # ServiceBGPStatus each, and the IPAllocated and nodeAssigned Events.
        wait_for("every status, ServiceBGPStatus and Event written", lambda: all(have >= want for have, want in zip(written(url), (n, n, 2 * n))),
                 procs=[node, sandbox])
        settled = time.time() - t0
        # A node holding N Services, not one finishing a burst: quiet for a while, then until its
        # resident size has settled.
        time.sleep(hold)
        last = status_kb(node.pid, "VmRSS")
        for _ in range(60):
            time.sleep(2)
            now = status_kb(node.pid, "VmRSS")
            if abs(now - last) < 1024:
                break
            last = now
        rss, hwm = status_kb(node.pid, "VmRSS"), status_kb(node.pid, "VmHWM")
        heap, meta = heap_used_kb(node.pid)
        heap_committed = heap_committed_kb(node.pid)
        if java_opts and "NativeMemoryTracking" in java_opts:
            nmt = subprocess.run(["jcmd", str(node.pid), "VM.native_memory", "summary"], capture_output=True, text=True)
            os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
            with open(os.path.join(ROOT, "bench", "results", f"node-nmt-{int(time.time())}.txt"), "w") as f:
                f.write(nmt.stdout)
            for line in nmt.stdout.splitlines():
                if line.startswith(("Total", "-")) and "committed" in line:
                    log("NMT", " ".join(line.split()))
            # what the heap holds, by class: where memory per Service goes
            histo = subprocess.run(["jcmd", str(node.pid), "GC.class_histogram"], capture_output=True, text=True)
            with open(os.path.join(ROOT, "bench", "results", f"node-histogram-{int(time.time())}.txt"), "w") as f:
                f.write(histo.stdout)
        subprocess.run(["jcmd", str(node.pid), "GC.run"], capture_output=True, check=True)
        time.sleep(1)
        heap_gc, _ = heap_used_kb(node.pid)
        rss_gc = status_kb(node.pid, "VmRSS")
        result = {
            "n": n, "announced_s": round(announced, 1), "settled_s": round(settled, 1),
            "node_rss_mb": rss / 1024, "node_hwm_mb": hwm / 1024, "node_rss_after_gc_mb": rss_gc / 1024,
            # private (anonymous) vs file-backed resident pages: a class-data archive is the latter
            "node_rss_anon_mb": status_kb(node.pid, "RssAnon") / 1024,
            "node_rss_file_mb": status_kb(node.pid, "RssFile") / 1024,
            "node_heap_mb": heap / 1024, "node_heap_committed_mb": heap_committed / 1024, "node_heap_after_gc_mb": heap_gc / 1024, "node_metaspace_mb": meta / 1024,
            "bird_rss_mb": status_kb(bird.pid, "VmRSS") / 1024,
            "collector_rss_mb": status_kb(collector.pid, "VmRSS") / 1024,
            "routes": {k: c() for k, c in counts.items()},
        }
        stop(node)
        for p in (collector, collector2, bird, sandbox):
            stop(p)
        return result
    finally:
        stop_all()
        if keep:
            log("kept", d)
        else:
            shutil.rmtree(d, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--java-opts", default=None,
                    help="JVM options for the node in place of bin/herald's defaults ('' for the JVM's own)")
    ap.add_argument("--keep", action="store_true", help="keep the work directories (logs)")
    ap.add_argument("--hold", type=int, default=30,
                    help="seconds the node stays quiet after its last write before it is measured")
    a = ap.parse_args()
    results = []
    try:
        for r in range(a.reps):
            res = one_run(a.n, a.java_opts, a.keep, a.hold)
            results.append(res)
            log(f"run {r + 1}: " + json.dumps(res))
    finally:
        stop_all()
    keys = ["node_rss_mb", "node_hwm_mb", "node_rss_after_gc_mb", "node_rss_anon_mb", "node_rss_file_mb", "node_heap_mb", "node_heap_committed_mb", "node_heap_after_gc_mb",
            "node_metaspace_mb", "bird_rss_mb", "collector_rss_mb", "announced_s", "settled_s"]
    opts = "bin/herald defaults" if a.java_opts is None else (a.java_opts or "the JVM's own defaults")
    print(f"\n{a.n} Services, 3 peers, {a.reps} runs, node JVM: {opts}\n")
    print("| measure | min | median |")
    print("|---|---|---|")
    for k in keys:
        vals = [r[k] for r in results]
        print(f"| {k} | {min(vals):.1f} | {statistics.median(vals):.1f} |")
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", f"node-footprint-{int(time.time())}.json"), "w") as f:
        json.dump({"java_opts": opts, "runs": results}, f, indent=1)


if __name__ == "__main__":
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, lambda *_: (stop_all(), sys.exit(143)))
    main()
