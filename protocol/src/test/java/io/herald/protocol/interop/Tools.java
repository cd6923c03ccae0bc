package io.herald.protocol.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the router binaries the interop tests drive and turns their absence into a JUnit skip
 * with a reason that says how to get them.
 */
public final class Tools {
  static final String INSTALL_HINT = "run bin/install-test-deps as root";
  private static final Path FRR_LIBEXEC = Path.of("/usr/lib/frr");

  private Tools() {}

  /** Looks for an executable in PATH, then the sbin directories (root's PATH may lack them). */
  public static Optional<Path> find(String name) {
    List<Path> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(":")) {
        if (!d.isEmpty()) {
          dirs.add(Path.of(d));
        }
      }
    }
    dirs.addAll(List.of(Path.of("/usr/sbin"), Path.of("/sbin"), Path.of("/usr/bin"), Path.of("/bin")));
    return dirs.stream().map(d -> d.resolve(name)).filter(Files::isExecutable).findFirst();
  }

  /** An FRR daemon ({@code zebra}, {@code bgpd}) lives in /usr/lib/frr, not in PATH. */
  public static Optional<Path> frrDaemon(String name) {
    Path p = FRR_LIBEXEC.resolve(name);
    return Files.isExecutable(p) ? Optional.of(p) : find(name);
  }

  static Path require(String name) {
    return find(name).orElseThrow(() -> new IllegalStateException(name + " not found: " + INSTALL_HINT));
  }

  static Path requireFrr(String name) {
    return frrDaemon(name).orElseThrow(() -> new IllegalStateException(name + " not found: " + INSTALL_HINT));
  }

  /** True when this JVM runs with uid 0 (read from /proc: no process fork needed). */
  public static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[1].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  public static boolean hasBird() {
    return find("bird").isPresent() && find("birdc").isPresent();
  }

  public static boolean hasFrr() {
    return frrDaemon("zebra").isPresent() && frrDaemon("bgpd").isPresent() && find("vtysh").isPresent();
  }

  public static boolean hasGobgp() {
    return find("gobgpd").isPresent() && find("gobgp").isPresent();
  }

  public static boolean hasExabgp() {
    return find("exabgp").isPresent();
  }

  public static boolean hasIp() {
    return find("ip").isPresent();
  }

  public static boolean hasNft() {
    return find("nft").isPresent();
  }

  /** Skips unless running as root: routers bind sockets, set MD5 keys and drop privileges. */
  public static void assumeRoot() {
    assumeTrue(isRoot(), "interop test needs root (network namespaces, TCP MD5, FRR privilege drop); "
        + "running as " + System.getProperty("user.name"));
  }

  public static void assumeBird() {
    assumeTrue(hasBird(), "bird2 not installed (bird, birdc): " + INSTALL_HINT);
  }

  public static void assumeFrr() {
    assumeTrue(hasFrr(), "frr not installed (/usr/lib/frr/zebra, /usr/lib/frr/bgpd, vtysh): " + INSTALL_HINT);
  }

  public static void assumeGobgp() {
    assumeTrue(hasGobgp(), "gobgpd not installed (gobgpd, gobgp): " + INSTALL_HINT);
  }

  public static void assumeExabgp() {
    assumeTrue(hasExabgp(), "exabgp not installed: " + INSTALL_HINT);
  }

  /** Root plus iproute2: what {@link NetNs} needs. */
  public static void assumeNetns() {
    assumeRoot();
    assumeTrue(hasIp(), "iproute2 not installed (ip): " + INSTALL_HINT);
  }

  public static void assumeNft() {
    assumeTrue(hasNft(), "nftables not installed (nft): " + INSTALL_HINT);
  }
}
