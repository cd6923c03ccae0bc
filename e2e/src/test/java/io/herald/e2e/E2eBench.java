package io.herald.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The lab's benchmark (run by {@code bench/run-e2e}; root, bird2, PostgreSQL): builds the BIRD lab
 * with a reference BIRD speaker and prints, as a Markdown table,
 * <ul>
 *   <li>reaction: EndpointSlice write to the first router FIB change that uses the new node, over
 *       {@code -Dherald.bench.changes} (200) moves of one endpoint between node1 and node2, and
 *       the same interval hop by hop (only this part with {@code -Dherald.bench.reactionOnly=true});
 *   <li>failover: a silent node (all its traffic dropped) until the router's FIB no longer uses it,
 *       Herald and the reference BIRD with the same 3 s hold time side by side; and SIGKILL;
 *   <li>requests lost by a steady client during those failures and during a rolling restart.
 * </ul>
 * Numbers, not assertions: the tests assert the behaviour.
 */
public final class E2eBench {
  private E2eBench() {}

  public static void main(String[] args) throws Exception {
    int changes = Integer.getInteger("herald.bench.changes", 200);
    int failovers = Integer.getInteger("herald.bench.failovers", 3);
    String loadStart = loadAverage();
    Path dir = Files.createTempDirectory("he2e-bench-");
    System.out.println("lab in " + dir);
    try (Lab lab = Lab.startWithReference(Lab.RouterKind.BIRD, dir);
        FibMonitor fib = new FibMonitor(lab.rtr)) {
      Lab.await("reference session", Duration.ofSeconds(30), () -> lab.router.established(Lab.REFERENCE));
      List<String> rows = new ArrayList<>();

      // ---- reaction
      lab.createService("bench", "Local", Map.of());
      lab.setEndpoints("bench", List.of(0));
      String ip = lab.ingress("bench");
      String prefix = ip + "/32";
      Lab.await("bench via node1", Duration.ofSeconds(60), () -> lab.fib(ip).equals(Lab.addresses(0)));
      List<Double> reaction = new ArrayList<>();
      // the same interval hop by hop: the write's round trip, until a watcher of the API (the
      // bench's own watch, as a node's informer) has the change, until the router imported the
      // route (BIRD's route trace), until the route is in the router's FIB
      Map<String, List<Double>> stages = new java.util.LinkedHashMap<>();
      for (String h : List.of("write sent → write acknowledged by the sandbox API",
          "write acknowledged → change delivered to a watch", "change delivered to a watch → router imported the route",
          "router imported the route → router FIB", "write acknowledged → router FIB")) {
        stages.put(h, new ArrayList<>());
      }
      int missed = 0;
      BirdRouter router = (BirdRouter) lab.router;
      try (SliceWatch watch = new SliceWatch(lab, "bench-1");
          java.net.Socket conn = new java.net.Socket()) {
        io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice last =
            lab.client.discovery().v1().endpointSlices().inNamespace(Lab.NAMESPACE).withName("bench-1").get();
        // The write is one HTTP PUT sent in a single segment on a TCP_NODELAY connection, as a
        // controller's client would send it. The fabric8 and JDK clients send the body after the
        // headers, and Nagle's algorithm against the server's delayed ACK held each write 5 to 40 ms
        // before the API could read it: the test's client, not the API nor Herald.
        java.net.URI api = java.net.URI.create(lab.client.getConfiguration().getMasterUrl());
        String slicePath = "/apis/discovery.k8s.io/v1/namespaces/" + Lab.NAMESPACE + "/endpointslices/bench-1";
        conn.setTcpNoDelay(true);
        conn.connect(new java.net.InetSocketAddress(api.getHost(), api.getPort()), 5_000);
        for (int k = 0; k < changes; k++) {
          int to = k % 2 == 0 ? 1 : 0;
          String hop = Lab.nodeAddress(to);
          fib.clear();
          watch.clear();
          java.time.Instant wall0 = java.time.Instant.now();
          long t0 = System.nanoTime();
          var next = Lab.slice("bench", List.of(to));
          next.getMetadata().setResourceVersion(last.getMetadata().getResourceVersion());
          last = put(conn, api.getHost() + ":" + api.getPort(), slicePath, next);
          long acked = System.nanoTime();
          FibMonitor.Change c = fib.await(prefix, now -> now.contains(hop), 10_000);
          if (c == null) {
            missed++;
          } else {
            reaction.add((c.nanos() - t0) / 1e6);
            long seen = watch.await(Lab.nodeName(to), 1_000);
            java.time.Instant imported = router.imported(hop, prefix, wall0);
            stages.get("write sent → write acknowledged by the sandbox API").add((acked - t0) / 1e6);
            stages.get("write acknowledged → router FIB").add((c.nanos() - acked) / 1e6);
            if (seen > 0) {
              stages.get("write acknowledged → change delivered to a watch").add((seen - acked) / 1e6);
            }
            if (imported != null) {
              // BIRD stamps wall-clock time: bring it onto this JVM's nanoTime scale via wall0 ↔ t0
              long importedNanos = t0 + java.time.Duration.between(wall0, imported).toNanos();
              if (seen > 0) {
                stages.get("change delivered to a watch → router imported the route").add((importedNanos - seen) / 1e6);
              }
              stages.get("router imported the route → router FIB").add((c.nanos() - importedNanos) / 1e6);
            }
          }
          // settle: the old node's withdraw lands before the next move
          Lab.await("bench via " + hop + " only", Duration.ofSeconds(10), () -> lab.fib(ip).equals(Set.of(hop)));
        }
      }
      rows.add(row("reaction: EndpointSlice update → router FIB (Herald)", reaction, missed));
      stages.forEach((name, ms) -> rows.add(row("&nbsp;&nbsp;hop: " + name, ms, reaction.size() - ms.size())));
      if (Boolean.getBoolean("herald.bench.reactionOnly")) {
        printTable(loadStart, rows);
        return;
      }

      // ---- failover: silent node, Herald vs the reference BIRD
      lab.createService("web", "Cluster", Map.of());
      lab.setEndpoints("web", List.of(0, 1, 2));
      String web = lab.ingress("web");
      for (int i = 0; i < 3; i++) {
        lab.host(i, web);
      }
      Lab.await("web via three nodes", Duration.ofSeconds(60), () -> lab.fib(web).size() == 3);
      List<Double> herald = new ArrayList<>();
      List<Double> bird = new ArrayList<>();
      int lostSilent = 0;
      int sentSilent = 0;
      for (int k = 0; k < failovers; k++) {
        Proc load = lab.load(50, 12, List.of(web));
        load.awaitLine(l -> l.startsWith("ok "), Duration.ofSeconds(30));
        herald.add(silentLoss(lab, fib, lab.nodeNs[2], "eth0", web + "/32", Lab.nodeAddress(2)));
        Lab.LoadResult r = Lab.LoadResult.of(load, Duration.ofSeconds(60));
        lostSilent += r.failed();
        sentSilent += r.failed() + r.answeredBy().values().stream().mapToInt(Integer::intValue).sum();
        Lab.await("node3 back at the router", Duration.ofSeconds(60), () -> lab.fib(web).size() == 3);
        bird.add(silentLoss(lab, fib, lab.refNs, "eth0", Lab.REFERENCE_PREFIX, Lab.REFERENCE));
        Lab.await("reference back", Duration.ofSeconds(60), () -> !lab.fib("203.0.113.200").isEmpty());
      }
      rows.add(row("failover: silent node, hold 3 s → FIB without it (Herald node)", herald, 0));
      rows.add(row("failover: silent node, hold 3 s → FIB without it (BIRD reference)", bird, 0));

      // ---- failover: SIGKILL
      List<Double> killed = new ArrayList<>();
      int lostKill = 0;
      int sentKill = 0;
      for (int k = 0; k < failovers; k++) {
        Lab.await("web via three nodes", Duration.ofSeconds(120), () -> lab.fib(web).size() == 3);
        Proc load = lab.load(50, 6, List.of(web));
        load.awaitLine(l -> l.startsWith("ok "), Duration.ofSeconds(30));
        fib.clear();
        long t0 = System.nanoTime();
        lab.killNode(2);
        FibMonitor.Change c = fib.await(web + "/32", hops -> !hops.contains(Lab.nodeAddress(2)), 30_000);
        killed.add(c == null ? Double.NaN : (c.nanos() - t0) / 1e6);
        Lab.LoadResult r = Lab.LoadResult.of(load, Duration.ofSeconds(60));
        lostKill += r.failed();
        sentKill += r.failed() + r.answeredBy().values().stream().mapToInt(Integer::intValue).sum();
        lab.startNode(2);
        lab.awaitNodeReady(2);
      }
      rows.add(row("failover: SIGKILL → FIB without it (Herald node)", killed, 0));

      // ---- rolling restart under load: web (Cluster, every node) and bench (Local) with endpoints
      // on node1 and node2, so that each Service keeps a serving node while one restarts
      lab.setEndpoints("bench", List.of(0, 1));
      lab.host(0, ip);
      lab.host(1, ip);
      Lab.await("bench via node1 and node2", Duration.ofSeconds(60), () -> lab.fib(ip).equals(Lab.addresses(0, 1)));
      Lab.await("web via three nodes", Duration.ofSeconds(120), () -> lab.fib(web).size() == 3);
      Proc load = lab.load(20, 600, List.of(web, ip));
      load.awaitLine(l -> l.startsWith("ok "), Duration.ofSeconds(30));
      for (int i = 0; i < 3; i++) {
        lab.stopNode(i);
        lab.startNode(i);
        lab.awaitNodeReady(i);
        int n = i;
        Lab.await("node back in the FIB", Duration.ofSeconds(60), () -> lab.fib(web).contains(Lab.nodeAddress(n)));
      }
      load.stop(Duration.ofSeconds(5));
      Lab.LoadResult rolling = Lab.LoadResult.soFar(load);
      int sentRolling = rolling.failed() + rolling.answeredBy().values().stream().mapToInt(Integer::intValue).sum();

      printTable(loadStart, rows);
      System.out.println();
      System.out.println("| requests lost (client at a steady rate, new connection each) | lost | sent |");
      System.out.println("|---|---:|---:|");
      System.out.printf("| silent node (50/s, %d failovers) | %d | %d |%n", failovers, lostSilent, sentSilent);
      System.out.printf("| SIGKILL (50/s, %d failovers) | %d | %d |%n", failovers, lostKill, sentKill);
      System.out.printf("| rolling restart of all three nodes (20/s) | %d | %d |%n", rolling.failed(), sentRolling);
    }
  }

  /** PUTs {@code slice} to {@code path} over {@code conn} (HTTP/1.1, kept alive); the stored object. */
  private static io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice put(java.net.Socket conn, String host,
      String path, io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice slice) throws java.io.IOException {
    byte[] body = io.fabric8.kubernetes.client.utils.Serialization.asJson(slice)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] head = ("PUT " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer sandbox\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] request = java.util.Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    conn.getOutputStream().write(request);
    conn.getOutputStream().flush();
    java.io.InputStream in = conn.getInputStream();
    String status = readLine(in);
    int length = -1;
    for (String h = readLine(in); !h.isEmpty(); h = readLine(in)) {
      if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(h.substring(15).trim());
      }
    }
    if (length < 0) {
      throw new java.io.IOException("PUT " + path + ": no Content-Length in the answer (" + status + ")");
    }
    String answer = new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8);
    if (!status.startsWith("HTTP/1.1 200")) {
      throw new java.io.IOException("PUT " + path + ": " + status + " " + answer);
    }
    return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(answer,
        io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice.class);
  }

  private static String readLine(java.io.InputStream in) throws java.io.IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new java.io.EOFException("connection closed by the API");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  private static void printTable(String loadStart, List<String> rows) {
    System.out.println();
    System.out.println("load average (1, 5, 15 min) at the start: " + loadStart + ", at the end: " + loadAverage());
    System.out.println();
    System.out.println("| measurement | n | p50 ms | p99 ms | max ms | missed |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    rows.forEach(System.out::println);
  }

  /** A watch on one EndpointSlice: when each version arrived, with the node of its first endpoint. */
  private static final class SliceWatch implements AutoCloseable {
    private final java.util.concurrent.LinkedBlockingQueue<Map.Entry<String, Long>> seen =
        new java.util.concurrent.LinkedBlockingQueue<>();
    private final io.fabric8.kubernetes.client.Watch watch;

    SliceWatch(Lab lab, String name) {
      watch = lab.client.discovery().v1().endpointSlices().inNamespace(Lab.NAMESPACE).withName(name)
          .watch(new io.fabric8.kubernetes.client.Watcher<>() {
            @Override
            public void eventReceived(Action action,
                io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice slice) {
              long now = System.nanoTime();
              var eps = slice.getEndpoints();
              if (eps != null && !eps.isEmpty()) {
                seen.add(Map.entry(String.valueOf(eps.get(0).getNodeName()), now));
              }
            }

            @Override
            public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
          });
    }

    void clear() {
      seen.clear();
    }

    /** When a version with its first endpoint on {@code node} arrived; 0 if none within the time. */
    long await(String node, long timeoutMillis) throws InterruptedException {
      long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
      while (true) {
        var e = seen.poll(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
        if (e == null) {
          return 0;
        }
        if (e.getKey().equals(node)) {
          return e.getValue();
        }
      }
    }

    @Override
    public void close() {
      watch.close();
    }
  }

  /** The first three fields of /proc/loadavg: numbers from a shared machine mean little without them. */
  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** Cuts {@code ifName} in {@code ns} until the router's FIB drops {@code nextHop} for {@code prefix}; heals; ms. */
  private static double silentLoss(Lab lab, FibMonitor fib, Netns ns, String ifName, String prefix, String nextHop)
      throws InterruptedException {
    fib.clear();
    long t0 = System.nanoTime();
    ns.cut(ifName);
    FibMonitor.Change c = fib.await(prefix, hops -> !hops.contains(nextHop), 30_000);
    ns.heal();
    return c == null ? Double.NaN : (c.nanos() - t0) / 1e6;
  }

  private static String row(String name, List<Double> ms, int missed) {
    List<Double> s = new ArrayList<>(ms);
    s.removeIf(d -> d.isNaN());
    Collections.sort(s);
    IntFunction<String> pct = p -> s.isEmpty() ? "-" : String.format("%.1f",
        s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1)));
    return String.format("| %s | %d | %s | %s | %s | %d |", name, s.size(), pct.apply(50), pct.apply(99),
        s.isEmpty() ? "-" : String.format("%.1f", s.get(s.size() - 1)), missed + (ms.size() - s.size()));
  }
}
