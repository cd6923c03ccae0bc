package io.herald.protocol.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The namespace fixture itself: links, addresses, isolation, and cleanup of what ran inside. */
class NetNsIT {
  @BeforeEach
  void requirements() {
    Tools.assumeNetns();
  }

  @Test
  void pairIsLinkedAndHasNoRouteOut() {
    try (NetNs.Pair lab = NetNs.pair()) {
      assertThat(lab.left().name()).startsWith("hrld-");
      assertThat(lab.left().sourceAddressTowards(NetNs.Pair.RIGHT_V4)).contains(NetNs.Pair.LEFT_V4);
      assertThat(lab.right().sourceAddressTowards(NetNs.Pair.LEFT_V6)).contains(NetNs.Pair.RIGHT_V6);
      // documentation range only, and no default route: nothing leaves the pair
      assertThat(lab.left().sourceAddressTowards("198.51.100.1")).isEmpty();
      assertThat(lab.left().exec("ip", "route", "show", "default").stdout()).isBlank();
      // the veth ends exist only inside the namespaces
      assertThat(Exec.run("ip", "-o", "link", "show").stdout()).doesNotContain(lab.left().name());
    }
  }

  @Test
  void closeKillsEveryProcessInsideAndDeletesTheNamespace() throws Exception {
    NetNs ns = NetNs.create();
    String name = ns.name();
    Path log = Files.createTempFile("hrld-netns-", ".log");
    try {
      // the shell leaves a background child behind: close() must find it through the namespace
      ChildProcess shell = ns.start("sleeper", List.of("sh", "-c", "sleep 600 & echo started $!; exec sleep 601"),
          Map.of(), log);
      long orphan = Long.parseLong(shell.awaitLine(l -> l.startsWith("started"), Duration.ofSeconds(10)).split(" ")[1]);
      assertThat(ns.pids()).contains(shell.pid(), orphan);
      assertThat(NetNs.openNamespaces()).contains(name);

      ns.close();

      assertThat(ProcessHandle.of(shell.pid())).isEmpty();
      assertThat(ProcessHandle.of(orphan)).isEmpty();
      assertThat(Exec.run("ip", "netns", "list").stdout()).doesNotContain(name);
      assertThat(NetNs.openNamespaces()).doesNotContain(name);
    } finally {
      ns.close();
      Files.deleteIfExists(log);
    }
  }

  @Test
  void shutdownHooksCleanUpWhatACrashedTestLeftBehind() throws Exception {
    Tools.assumeBird();
    Path log = Files.createTempFile("hrld-leaky-", ".log");
    try {
      ChildProcess jvm = ChildProcess.start("leaky", List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          System.getProperty("java.class.path"), LeakyMain.class.getName()), Map.of(), log);
      String[] leaked = jvm.awaitLine(l -> l.startsWith("leaked "), Duration.ofSeconds(30)).split(" ");
      Await.until("the leaky JVM to exit", Duration.ofSeconds(30), () -> !jvm.isAlive());

      assertThat(jvm.exitCode()).contains(3);
      assertThat(ProcessHandle.of(Long.parseLong(leaked[1]))).as("bird").isEmpty();
      assertThat(ProcessHandle.of(Long.parseLong(leaked[2]))).as("process in the namespace").isEmpty();
      assertThat(Exec.run("ip", "netns", "list").stdout()).doesNotContain(leaked[3]);
      assertThat(Path.of(leaked[4])).as("work directory").doesNotExist();
    } finally {
      Files.deleteIfExists(log);
    }
  }

  @Test
  void dropAllSilencesTheNamespaceAndRestoreUndoesIt() {
    Tools.assumeNft();
    try (NetNs.Pair lab = NetNs.pair()) {
      // nothing listens on port 9 on the right: an open path answers a SYN with RST ("refused"),
      // a silent one answers nothing and the connect attempt runs into the timeout
      assertThat(connectToDiscardPort(lab)).contains("Connection refused");

      lab.right().dropAll();
      assertThat(connectToDiscardPort(lab)).doesNotContain("Connection refused").contains("exit 124");

      lab.right().restore();
      assertThat(connectToDiscardPort(lab)).contains("Connection refused");
    }
  }

  private static String connectToDiscardPort(NetNs.Pair lab) {
    Exec.Result r = lab.left().exec("timeout", "2", "bash", "-c", "exec 3<>/dev/tcp/" + NetNs.Pair.RIGHT_V4 + "/9");
    return r.stderr() + " exit " + r.exitCode();
  }
}
