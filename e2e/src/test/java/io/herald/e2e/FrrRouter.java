package io.herald.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * FRR as the lab router: {@code zebra} and {@code bgpd} in the foreground in the router namespace,
 * every path (config, pid files, zserv and vty sockets, logs) in the work directory, queried with
 * {@code vtysh --vty_socket}. {@code maximum-paths} lets zebra install one ECMP route per Service
 * IP. FRR 8 refuses eBGP routes without a policy (RFC 8212), so the lab turns that off.
 */
final class FrrRouter implements Router {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Netns ns;
  private final Path dir;
  private final String localAddress;
  private final List<String> neighbors;
  private final int holdSeconds;
  private Proc zebra;
  private Proc bgpd;
  private int starts;

  FrrRouter(Netns ns, Path dir, String localAddress, List<String> neighbors, int holdSeconds) {
    this.ns = ns;
    this.dir = dir;
    this.localAddress = localAddress;
    this.neighbors = List.copyOf(neighbors);
    this.holdSeconds = holdSeconds;
  }

  static boolean installed() {
    return Cmd.find("/usr/lib/frr/zebra").isPresent() && Cmd.find("/usr/lib/frr/bgpd").isPresent()
        && Cmd.find("vtysh").isPresent();
  }

  @Override
  public String kind() {
    return "frr";
  }

  String config() {
    StringBuilder c = new StringBuilder();
    c.append("router bgp ").append(ASN).append("\n")
        .append(" bgp router-id ").append(localAddress).append("\n")
        .append(" no bgp ebgp-requires-policy\n")
        .append(" no bgp default ipv4-unicast\n")
        .append(" timers bgp ").append(Math.max(1, holdSeconds / 3)).append(" ").append(holdSeconds).append("\n");
    for (String n : neighbors) {
      c.append(" neighbor ").append(n).append(" remote-as ").append(NODE_ASN).append("\n")
          .append(" neighbor ").append(n).append(" timers connect 1\n");
    }
    c.append(" address-family ipv4 unicast\n").append("  maximum-paths 8\n");
    for (String n : neighbors) {
      c.append("  neighbor ").append(n).append(" activate\n");
    }
    c.append(" exit-address-family\n!\n");
    return c.toString();
  }

  @Override
  public void start() {
    try {
      Files.createDirectories(dir);
      // zebra and bgpd drop to user frr and write their sockets and pid files here
      UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
      PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
      view.setOwner(users.lookupPrincipalByName("frr"));
      view.setGroup(users.lookupPrincipalByGroupName("frr"));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.writeString(dir.resolve("bgpd.conf"), config());
      Files.writeString(dir.resolve("zebra.conf"), "hostname zebra\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    starts++;
    String zserv = dir.resolve("zserv.api").toString();
    List<String> common = List.of("-P", "0", "--vty_socket", dir.toString());
    List<String> z = new ArrayList<>(List.of("/usr/lib/frr/zebra"));
    z.addAll(common);
    z.addAll(List.of("-f", dir.resolve("zebra.conf").toString(), "-i", dir.resolve("zebra.pid").toString(), "-z", zserv,
        "--log", "file:" + dir.resolve("zebra.log")));
    zebra = ns.start("zebra@" + ns.name(), z, dir.resolve("zebra-" + starts + ".out"));
    Lab.await("zebra zserv socket", Duration.ofSeconds(15), () -> {
      if (!zebra.isAlive()) {
        throw new AssertionError("zebra exited: " + zebra.tail(20));
      }
      return Files.exists(dir.resolve("zserv.api"));
    });
    List<String> b = new ArrayList<>(List.of("/usr/lib/frr/bgpd"));
    b.addAll(common);
    b.addAll(List.of("-f", dir.resolve("bgpd.conf").toString(), "-i", dir.resolve("bgpd.pid").toString(), "-z", zserv,
        "--log", "file:" + dir.resolve("bgpd.log")));
    bgpd = ns.start("bgpd@" + ns.name(), b, dir.resolve("bgpd-" + starts + ".out"));
    Lab.await("bgpd vty", Duration.ofSeconds(15), () -> {
      if (!bgpd.isAlive()) {
        throw new AssertionError("bgpd exited: " + bgpd.tail(20));
      }
      return vtysh("show bgp summary json").ok();
    });
  }

  @Override
  public void stop() {
    // bgpd first: zebra then removes the routes bgpd installed
    for (Proc p : new Proc[] {bgpd, zebra}) {
      if (p != null && p.isAlive()) {
        p.stop(Duration.ofSeconds(5));
      }
    }
  }

  private Cmd.Result vtysh(String command) {
    return Cmd.run(List.of(Cmd.require("vtysh"), "--vty_socket", dir.toString(), "-d", "bgpd", "-c", command));
  }

  private JsonNode json(String command) {
    try {
      return JSON.readTree(vtysh(command).orThrow().out());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean established(String neighbor) {
    return "Established".equals(json("show bgp neighbors " + neighbor + " json").path(neighbor).path("bgpState")
        .asText());
  }

  @Override
  public Set<String> prefixesFrom(String neighbor) {
    Set<String> out = new TreeSet<>();
    json("show bgp ipv4 unicast neighbors " + neighbor + " routes json").path("routes").fieldNames()
        .forEachRemaining(out::add);
    return out;
  }

  @Override
  public String toString() {
    return "frr in " + ns;
  }
}
