package io.herald.protocol.interop;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Everything a {@link RouterPeer} needs to configure its daemon. eBGP or iBGP follows from the ASN
 * equality (RFC 4271 §3). With {@code netns == null} the router runs in the root namespace bound
 * to a loopback {@code localAddress} (127.x.y.z) and never touches a FIB; with a namespace it runs
 * inside it and, unless given, finds its local address with {@code ip route get}.
 *
 * @param neighbors neighbor addresses, canonical; one session each
 * @param listenPort the port this router accepts connections on (179 by default)
 * @param peerPort the port this router connects to on its neighbors
 * @param passive never connect out, only accept
 * @param holdTimeSeconds proposed hold time; keepalive is a third of it (RFC 4271 §10)
 * @param md5Password TCP MD5 signature key (RFC 2385), or null
 * @param multihopTtl eBGP multihop TTL, or null for the router's default
 * @param families address families to negotiate; empty means the neighbor's own family
 * @param announce routes this router originates
 * @param kernelExport install received routes into the namespace's kernel FIB (BIRD, FRR)
 */
public record PeerConfig(long localAsn, long peerAsn, List<String> neighbors, String localAddress,
    String localAddress6, String routerId, int listenPort, int peerPort, boolean passive, int holdTimeSeconds,
    String md5Password, Integer multihopTtl, Set<Family> families, List<Announcement> announce,
    boolean kernelExport, NetNs netns) {

  /** Address families (AFI/SAFI, RFC 4760) the harness can negotiate. */
  public enum Family {
    IPV4_UNICAST, IPV6_UNICAST
  }

  static final long MAX_ASN = 0xFFFF_FFFFL;
  static final long AS_TRANS = 23456;

  public PeerConfig {
    neighbors = neighbors.stream().map(Addresses::canonical).toList();
    families = families.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(families));
    announce = List.copyOf(announce);
    localAddress = localAddress == null ? null : Addresses.canonical(localAddress);
    localAddress6 = localAddress6 == null ? null : Addresses.canonical(localAddress6);
    if (localAsn < 1 || localAsn > MAX_ASN || peerAsn < 1 || peerAsn > MAX_ASN) {
      throw new IllegalArgumentException("ASNs must be 1.." + MAX_ASN + ": " + localAsn + ", " + peerAsn);
    }
    if (neighbors.isEmpty()) {
      throw new IllegalArgumentException("at least one neighbor");
    }
    if (holdTimeSeconds != 0 && (holdTimeSeconds < 3 || holdTimeSeconds > 65535)) {
      throw new IllegalArgumentException("hold time 0 or 3..65535 s (RFC 4271 §4.2): " + holdTimeSeconds);
    }
    if (netns == null && localAddress == null && localAddress6 == null) {
      throw new IllegalArgumentException("on loopback a localAddress (127.x.y.z) is required");
    }
    if (netns == null && kernelExport) {
      throw new IllegalArgumentException("kernel export only inside a namespace: never the root FIB");
    }
    if (md5Password != null && (md5Password.isEmpty() || md5Password.contains("\"")
        || md5Password.chars().anyMatch(Character::isWhitespace))) {
      throw new IllegalArgumentException("MD5 password must be non-empty, without quotes or spaces");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public boolean ibgp() {
    return localAsn == peerAsn;
  }

  public boolean onLoopback() {
    return netns == null;
  }

  public int keepaliveSeconds() {
    return holdTimeSeconds == 0 ? 0 : Math.max(1, holdTimeSeconds / 3);
  }

  /** The families negotiated with {@code neighbor}. */
  public Set<Family> familiesFor(String neighbor) {
    if (!families.isEmpty()) {
      return families;
    }
    return Set.of(Addresses.isIpv6(neighbor) ? Family.IPV6_UNICAST : Family.IPV4_UNICAST);
  }

  /** The address this router uses towards {@code neighbor} (same family). */
  public String localAddressFor(String neighbor) {
    boolean v6 = Addresses.isIpv6(neighbor);
    String given = v6 ? localAddress6 : localAddress;
    if (given != null) {
      return given;
    }
    if (netns == null) {
      throw new IllegalStateException("no local " + (v6 ? "IPv6" : "IPv4") + " address for " + neighbor);
    }
    return netns.sourceAddressTowards(neighbor).map(Addresses::canonical)
        .orElseThrow(() -> new IllegalStateException("namespace " + netns + " has no route to " + neighbor));
  }

  /** Router id: given, else the first local IPv4 address, else 192.0.2.254. */
  public String routerIdOrDefault() {
    if (routerId != null) {
      return routerId;
    }
    if (localAddress != null) {
      return localAddress;
    }
    for (String n : neighbors) {
      if (!Addresses.isIpv6(n)) {
        return localAddressFor(n);
      }
    }
    return "192.0.2.254";
  }

  /** Announcements of one family. */
  public List<Announcement> announcements(Family family) {
    boolean v6 = family == Family.IPV6_UNICAST;
    return announce.stream().filter(a -> a.isIpv6() == v6).toList();
  }

  /** Fluent construction with lab-friendly defaults (port 179, hold 9 s, active). */
  public static final class Builder {
    private long localAsn;
    private long peerAsn;
    private final List<String> neighbors = new ArrayList<>();
    private String localAddress;
    private String localAddress6;
    private String routerId;
    private int listenPort = 179;
    private int peerPort = 179;
    private boolean passive;
    private int holdTimeSeconds = 9;
    private String md5Password;
    private Integer multihopTtl;
    private final Set<Family> families = EnumSet.noneOf(Family.class);
    private final List<Announcement> announce = new ArrayList<>();
    private boolean kernelExport;
    private NetNs netns;

    private Builder() {}

    public Builder localAsn(long asn) {
      this.localAsn = asn;
      return this;
    }

    public Builder peerAsn(long asn) {
      this.peerAsn = asn;
      return this;
    }

    public Builder neighbor(String... addresses) {
      neighbors.addAll(List.of(addresses));
      return this;
    }

    public Builder localAddress(String address) {
      if (Addresses.isIpv6(address)) {
        this.localAddress6 = address;
      } else {
        this.localAddress = address;
      }
      return this;
    }

    public Builder routerId(String id) {
      this.routerId = id;
      return this;
    }

    public Builder listenPort(int port) {
      this.listenPort = port;
      return this;
    }

    public Builder peerPort(int port) {
      this.peerPort = port;
      return this;
    }

    public Builder passive(boolean value) {
      this.passive = value;
      return this;
    }

    public Builder passive() {
      return passive(true);
    }

    public Builder holdTime(int seconds) {
      this.holdTimeSeconds = seconds;
      return this;
    }

    public Builder md5(String password) {
      this.md5Password = password;
      return this;
    }

    public Builder multihop(int ttl) {
      this.multihopTtl = ttl;
      return this;
    }

    public Builder families(Family... values) {
      families.addAll(List.of(values));
      return this;
    }

    public Builder announce(Announcement... routes) {
      announce.addAll(List.of(routes));
      return this;
    }

    public Builder announce(Collection<Announcement> routes) {
      announce.addAll(routes);
      return this;
    }

    public Builder announce(String... prefixes) {
      for (String p : prefixes) {
        announce.add(Announcement.of(p));
      }
      return this;
    }

    public Builder kernelExport(boolean value) {
      this.kernelExport = value;
      return this;
    }

    /** Run inside {@code ns} instead of on loopback. */
    public Builder netns(NetNs ns) {
      this.netns = ns;
      return this;
    }

    public PeerConfig build() {
      return new PeerConfig(localAsn, peerAsn, neighbors, localAddress, localAddress6, routerId, listenPort, peerPort,
          passive, holdTimeSeconds, md5Password, multihopTtl, families, announce, kernelExport, netns);
    }
  }
}
