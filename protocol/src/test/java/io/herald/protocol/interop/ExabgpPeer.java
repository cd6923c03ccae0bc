package io.herald.protocol.interop;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * ExaBGP 4 as a test router. Its API process is a two-line shell script: received events go as
 * JSON lines to {@code events.jsonl} (replayed by {@link ExabgpEvents} into a per-neighbor RIB),
 * and API commands written to {@code cmd.fifo} go to ExaBGP. ExaBGP is also the way to send
 * what a correct router never would: {@link Announcement.RawAttribute}s become
 * {@code attribute [ 0xTT 0xFF 0xVALUE ]}, put on the wire as given.
 *
 * <p>Settings through the environment: run as root (no privilege drop), no named pipes under /run
 * ({@code api.cli=false}), in the foreground, no acknowledgements on the API.
 */
public final class ExabgpPeer extends DaemonPeer {
  static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Path events;
  private final Path fifo;
  private final ExabgpEvents rib = new ExabgpEvents();
  private long eventsOffset;
  private OutputStream commands;

  private ExabgpPeer(PeerConfig config) {
    super("exabgp", config);
    this.events = workDir.resolve("events.jsonl");
    this.fifo = workDir.resolve("cmd.fifo");
  }

  public static ExabgpPeer start(PeerConfig config) {
    ExabgpPeer peer = new ExabgpPeer(config);
    peer.startOrClean(peer::launch);
    return peer;
  }

  private void launch() {
    Exec.run("mkfifo", fifo.toString()).orThrow();
    // The reader opens the FIFO read-write so it never sees end-of-file between our writes.
    Path api = write("api.sh", "#!/bin/sh\n"
        + "cat <>'" + fifo + "' &\n"
        + "exec cat >>'" + events + "'\n");
    api.toFile().setExecutable(true);
    String conf = write("exabgp.conf", renderConfig(api)).toString();
    ChildProcess p = startProcess("exabgp", List.of(Tools.require("exabgp").toString(), conf), Map.of(
        "exabgp_daemon_user", "root",
        "exabgp_daemon_daemonize", "false",
        "exabgp_api_cli", "false",
        "exabgp_api_ack", "false",
        "exabgp_tcp_bind", "",
        "exabgp_log_destination", workDir.resolve("exabgp.log").toString()));
    // the API process starts once the configuration is parsed (seconds for 100k static routes)
    Await.until("exabgp API process", START_TIMEOUT, () -> {
      checkAlive(p);
      return Files.exists(events);
    });
  }

  @Override
  public String kind() {
    return "exabgp";
  }

  /** Sends one API command, e.g. {@code "announce route 203.0.113.0/24 next-hop self"}. */
  public synchronized void send(String command) {
    try {
      if (commands == null) {
        commands = Files.newOutputStream(fifo);
      }
      commands.write((command.strip() + "\n").getBytes(StandardCharsets.UTF_8));
      commands.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("exabgp API: " + command, e);
    }
  }

  /** Announces a route to every neighbor through the API. */
  public void announce(Announcement a) {
    send("announce " + route(a));
  }

  public void withdraw(String prefix) {
    send("withdraw route " + Addresses.canonicalPrefix(prefix) + " next-hop self");
  }

  @Override
  public synchronized SessionState state(String neighbor) {
    readEvents();
    return rib.state(neighbor);
  }

  @Override
  public synchronized List<ReceivedRoute> routes(String neighbor) {
    readEvents();
    return rib.routes(neighbor);
  }

  @Override
  public synchronized long routeCount(String neighbor) {
    readEvents();
    return rib.routeCount(neighbor);
  }

  /** NOTIFICATIONs exchanged with {@code neighbor}, as "direction code/subcode" records. */
  public synchronized List<SeenNotification> notifications(String neighbor) {
    readEvents();
    return rib.notifications(neighbor);
  }

  /** Reads the complete lines appended since the last call. */
  private void readEvents() {
    if (!Files.exists(events)) {
      return;
    }
    try (RandomAccessFile f = new RandomAccessFile(events.toFile(), "r")) {
      long length = f.length();
      if (length <= eventsOffset) {
        return;
      }
      f.seek(eventsOffset);
      byte[] buf = new byte[(int) Math.min(length - eventsOffset, Integer.MAX_VALUE - 16)];
      f.readFully(buf);
      int lastNewline = -1;
      for (int i = buf.length - 1; i >= 0; i--) {
        if (buf[i] == '\n') {
          lastNewline = i;
          break;
        }
      }
      if (lastNewline < 0) {
        return;
      }
      String text = new String(buf, 0, lastNewline + 1, StandardCharsets.UTF_8);
      eventsOffset += lastNewline + 1;
      text.lines().forEach(rib::accept);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      if (commands != null) {
        commands.close();
      }
    } catch (IOException e) {
      // the reader is being killed with ExaBGP
    }
    super.close();
  }

  String renderConfig(Path api) {
    StringBuilder c = new StringBuilder();
    c.append("process hrld_api {\n  run ").append(api).append(";\n  encoder json;\n}\n");
    for (String n : config.neighbors()) {
      c.append("neighbor ").append(n).append(" {\n");
      c.append("  router-id ").append(config.routerIdOrDefault()).append(";\n");
      c.append("  local-address ").append(config.localAddressFor(n)).append(";\n");
      c.append("  local-as ").append(config.localAsn()).append(";\n");
      c.append("  peer-as ").append(config.peerAsn()).append(";\n");
      c.append("  hold-time ").append(config.holdTimeSeconds()).append(";\n");
      if (config.passive()) {
        c.append("  passive true;\n  listen ").append(config.listenPort()).append(";\n");
      } else {
        c.append("  connect ").append(config.peerPort()).append(";\n");
      }
      if (config.md5Password() != null) {
        c.append("  md5-password \"").append(config.md5Password()).append("\";\n");
      }
      if (config.multihopTtl() != null) {
        c.append("  outgoing-ttl ").append(config.multihopTtl()).append(";\n");
      }
      c.append("  group-updates true;\n");
      c.append("  family {\n");
      for (PeerConfig.Family f : PeerConfig.Family.values()) {
        if (config.familiesFor(n).contains(f)) {
          c.append(f == PeerConfig.Family.IPV6_UNICAST ? "    ipv6 unicast;\n" : "    ipv4 unicast;\n");
        }
      }
      c.append("  }\n");
      c.append("  api {\n    processes [ hrld_api ];\n    neighbor-changes;\n"
          + "    receive { parsed; update; notification; }\n    send { parsed; notification; }\n  }\n");
      List<String> routes = new ArrayList<>();
      for (PeerConfig.Family f : config.familiesFor(n)) {
        config.announcements(f).forEach(a -> routes.add("    " + route(a) + ";"));
      }
      if (!routes.isEmpty()) {
        c.append("  static {\n").append(String.join("\n", routes)).append("\n  }\n");
      }
      c.append("}\n");
    }
    return c.toString();
  }

  /** {@code route <prefix> next-hop ... <attributes>}: the same syntax in config and API. */
  static String route(Announcement a) {
    StringBuilder s = new StringBuilder("route ").append(a.prefix());
    s.append(" next-hop ").append(a.nextHop() == null ? "self" : a.nextHop());
    if (a.origin() != null) {
      s.append(" origin ").append(a.origin().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (a.med() != null) {
      s.append(" med ").append(a.med());
    }
    if (a.localPref() != null) {
      s.append(" local-preference ").append(a.localPref());
    }
    if (!a.communities().isEmpty()) {
      s.append(" community [ ").append(String.join(" ", a.communities())).append(" ]");
    }
    if (!a.largeCommunities().isEmpty()) {
      s.append(" large-community [ ").append(String.join(" ", a.largeCommunities())).append(" ]");
    }
    for (Announcement.RawAttribute r : a.rawAttributes()) {
      s.append(String.format(" attribute [ 0x%02x 0x%02x 0x%s ]", r.typeCode(), r.flags(), r.valueHex()));
    }
    return s.toString();
  }

  @Override
  public String toString() {
    return "exabgp " + config.neighbors().stream().collect(Collectors.joining(","));
  }
}
