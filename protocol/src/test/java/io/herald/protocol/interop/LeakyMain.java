package io.herald.protocol.interop;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Starts a router on loopback and a process in a fresh namespace, prints their PIDs and the
 * namespace name, then exits without closing anything: the self-test checks that the harness's
 * shutdown hooks clean up after a test that crashed or forgot to close.
 */
public final class LeakyMain {
  private LeakyMain() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    List<String> addr = Loopback.addresses(2);
    BirdPeer bird = BirdPeer.start(PeerConfig.builder().localAsn(65001).peerAsn(65002).localAddress(addr.get(0))
        .neighbor(addr.get(1)).listenPort(Loopback.freePort(addr.get(0))).passive().build());
    NetNs ns = NetNs.create();
    ChildProcess sleeper = ns.start("sleeper", List.of("sleep", "600"), Map.of(),
        bird.workDir().resolve("sleeper.out"));
    Await.until("sleeper to run", Duration.ofSeconds(5), sleeper::isAlive);
    out.println("leaked " + bird.pids().get(0) + " " + sleeper.pid() + " " + ns.name() + " " + bird.workDir());
    out.flush();
    System.exit(3);
  }
}
