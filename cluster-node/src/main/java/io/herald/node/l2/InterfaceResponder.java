package io.herald.node.l2;

import io.herald.allocator.ip.IpAddress;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The responder on one interface: two packet sockets (ARP and IPv6) with one reader thread each,
 * handing every frame to the pure {@link L2Responder} against the current owned set. The owned
 * set is swapped atomically by the speaker; readers never wait on it.
 */
final class InterfaceResponder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InterfaceResponder.class);

  final String name;
  final MacAddress mac;
  private final PacketSocket arp;
  private final PacketSocket ipv6;
  private final L2Counters counters;
  private final List<Thread> readers;
  private volatile Set<InetAddress> owned = Set.of();
  private final Set<MacAddress> groups = new HashSet<>();
  private volatile boolean running = true;

  private InterfaceResponder(String name, MacAddress mac, PacketSocket arp, PacketSocket ipv6, L2Counters counters) {
    this.name = name;
    this.mac = mac;
    this.arp = arp;
    this.ipv6 = ipv6;
    this.counters = counters;
    this.readers = List.of(reader(arp, "arp"), reader(ipv6, "ndp"));
  }

  static InterfaceResponder open(L2Interfaces.Link link, L2Counters counters) throws IOException {
    PacketSocket a = PacketSocket.open(link.index(), EthernetFrame.ETHERTYPE_ARP);
    try {
      PacketSocket b = PacketSocket.open(link.index(), EthernetFrame.ETHERTYPE_IPV6);
      return new InterfaceResponder(link.name(), link.mac(), a, b, counters);
    } catch (IOException e) {
      a.close();
      throw e;
    }
  }

  private Thread reader(PacketSocket s, String kind) {
    Thread t = new Thread(() -> read(s), "l2-" + kind + "-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Replaces the owned set, joining the solicited-node groups of its IPv6 addresses and leaving
   * those no longer needed (RFC 4861 §7.2.1: a node joins the group of each address it answers for).
   * Called only by the speaker actor.
   */
  void setOwned(Set<InetAddress> next) {
    Set<MacAddress> wanted = new HashSet<>();
    for (InetAddress ip : next) {
      if (ip instanceof Inet6Address v6) wanted.add(MacAddress.ipv6Multicast(Ndp.solicitedNodeGroup(v6).getAddress()));
    }
    for (MacAddress g : wanted) {
      if (!groups.contains(g)) membership(g, true);
    }
    for (MacAddress g : Set.copyOf(groups)) {
      if (!wanted.contains(g)) membership(g, false);
    }
    owned = Set.copyOf(next);
  }

  private void membership(MacAddress g, boolean join) {
    try {
      ipv6.membership(g, join);
      if (join) groups.add(g);
      else groups.remove(g);
    } catch (IOException e) {
      log.warn("{}: {}", name, e.getMessage());
    }
  }

  Set<InetAddress> owned() {
    return owned;
  }

  /** Sends the ownership announcement for {@code ip} (gratuitous ARP or unsolicited NA). */
  void announce(InetAddress ip) {
    try {
      (ip instanceof Inet6Address ? ipv6 : arp).send(L2Responder.announcement(ip, mac));
      counters.gratuitousSent(label(ip));
    } catch (IOException e) {
      log.warn("{}: announcing {}: {}", name, ip.getHostAddress(), e.getMessage());
    }
  }

  private void read(PacketSocket s) {
    byte[] buf = new byte[PacketSocket.BUFFER];
    while (running) {
      Optional<Integer> n;
      try {
        n = s.receive(buf);
      } catch (IOException e) {
        if (running) log.warn("{}: {}", name, e.getMessage());
        return;
      }
      if (n.isEmpty()) continue;
      Set<InetAddress> now = owned;
      if (now.isEmpty()) continue;
      Optional<L2Responder.Reply> reply = L2Responder.onFrame(buf, n.get(), now, mac);
      if (reply.isEmpty()) continue;
      String ip = label(reply.get().ip());
      counters.requestReceived(ip);
      try {
        s.send(reply.get().frame());
        counters.responseSent(ip);
      } catch (IOException e) {
        log.warn("{}: answering for {}: {}", name, ip, e.getMessage());
      }
    }
  }

  /** The metric label: the IP as MetalLB prints it (RFC 5952 for IPv6). */
  static String label(InetAddress ip) {
    return IpAddress.of(ip).toString();
  }

  @Override
  public void close() {
    running = false;
    owned = Set.of();
    for (Thread t : readers) {
      try {
        t.join(PacketSocket.RECEIVE_TIMEOUT_MS * 3L);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    arp.close();
    ipv6.close();
  }
}
