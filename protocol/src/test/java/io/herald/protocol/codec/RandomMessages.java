package io.herald.protocol.codec;

import io.herald.protocol.attribute.Aggregator;
import io.herald.protocol.attribute.AsPath;
import io.herald.protocol.attribute.AsPathSegment;
import io.herald.protocol.attribute.AtomicAggregate;
import io.herald.protocol.attribute.Communities;
import io.herald.protocol.attribute.Community;
import io.herald.protocol.attribute.LargeCommunities;
import io.herald.protocol.attribute.LargeCommunity;
import io.herald.protocol.attribute.LocalPref;
import io.herald.protocol.attribute.MpReachNlri;
import io.herald.protocol.attribute.MpUnreachNlri;
import io.herald.protocol.attribute.MultiExitDisc;
import io.herald.protocol.attribute.NextHop;
import io.herald.protocol.attribute.Origin;
import io.herald.protocol.attribute.PathAttribute;
import io.herald.protocol.attribute.UnknownAttribute;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Afi;
import io.herald.protocol.message.BgpMessage;
import io.herald.protocol.message.Capability;
import io.herald.protocol.message.Keepalive;
import io.herald.protocol.message.Notification;
import io.herald.protocol.message.Open;
import io.herald.protocol.message.RouteRefresh;
import io.herald.protocol.message.Update;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.IpLiterals;
import io.herald.protocol.types.Octets;
import io.herald.protocol.types.Prefix;
import io.herald.protocol.types.RouterId;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded generators of valid messages: everything a correct peer may send and our records can
 * hold. Constraints that keep a message valid are commented where they are not obvious.
 */
final class RandomMessages {
  private static final Set<Integer> KNOWN_CAPABILITIES = Set.of(1, 2, 6, 64, 65, 70);
  private static final Set<Integer> KNOWN_ATTRIBUTES = Set.of(1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 17, 18, 32);

  private final SplittableRandom r;

  RandomMessages(long seed) {
    this.r = new SplittableRandom(seed);
  }

  CodecContext context() {
    return new CodecContext(r.nextBoolean(), false,
        Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST));
  }

  BgpMessage message(CodecContext ctx) {
    return switch (r.nextInt(6)) {
      case 0 -> open();
      case 1, 2 -> update(ctx);
      case 3 -> new Notification(r.nextInt(256), r.nextInt(256), bytes(r.nextInt(40)));
      case 4 -> Keepalive.INSTANCE;
      default -> new RouteRefresh(r.nextInt(0x10000), r.nextInt(256), r.nextInt(256));
    };
  }

  Open open() {
    int hold = r.nextInt(4) == 0 ? 0 : 3 + r.nextInt(0xFFFF - 2); // 1 and 2 are rejected
    List<Capability> caps = new ArrayList<>();
    int n = r.nextInt(10);
    for (int i = 0; i < n; i++) {
      caps.add(capability());
    }
    if (r.nextInt(10) == 0) { // enough unknown capabilities to need RFC 9072 parameters
      for (int i = 0; i < 30; i++) {
        caps.add(unknownCapability(10 + r.nextInt(20)));
      }
    }
    return new Open(Open.VERSION, r.nextInt(0x10000), hold, new RouterId(1 + r.nextLong(0xFFFF_FFFFL)), caps);
  }

  private Capability capability() {
    return switch (r.nextInt(7)) {
      case 0 -> new Capability.Multiprotocol(family());
      case 1 -> new Capability.RouteRefresh();
      case 2 -> new Capability.EnhancedRouteRefresh();
      case 3 -> new Capability.ExtendedMessage();
      case 4 -> new Capability.FourOctetAs(asn());
      case 5 -> {
        List<Capability.GracefulRestart.Family> fs = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
          fs.add(new Capability.GracefulRestart.Family(family(), r.nextBoolean()));
        }
        yield new Capability.GracefulRestart(r.nextBoolean(), r.nextInt(4096), fs);
      }
      default -> unknownCapability(r.nextInt(12));
    };
  }

  private Capability unknownCapability(int len) {
    int code;
    do {
      code = r.nextInt(256);
    } while (KNOWN_CAPABILITIES.contains(code));
    return new Capability.Unknown(code, bytes(len));
  }

  Update update(CodecContext ctx) {
    List<Prefix> withdrawn = prefixes(false, r.nextInt(4) == 0 ? 0 : r.nextInt(20));
    List<Prefix> nlri = r.nextBoolean() ? prefixes(false, 1 + r.nextInt(30)) : List.of();
    List<PathAttribute> attrs = new ArrayList<>();
    boolean mpReach = r.nextInt(3) == 0;
    boolean announce = !nlri.isEmpty() || mpReach || r.nextInt(4) == 0;
    Aggregator aggregator = null;
    if (announce) {
      if (r.nextInt(3) == 0) {
        Asn a = ctx.fourOctetAs() || r.nextBoolean() ? asn() : new Asn(r.nextInt(0x10000));
        aggregator = new Aggregator(a, ipv4Host());
        attrs.add(aggregator);
      }
      attrs.add(Origin.values()[r.nextInt(3)]);
      attrs.add(asPath(ctx));
      if (!nlri.isEmpty() || r.nextBoolean()) {
        attrs.add(new NextHop(ipv4Host()));
      }
      if (r.nextBoolean()) {
        attrs.add(new MultiExitDisc(r.nextLong(0x1_0000_0000L)));
      }
      if (r.nextBoolean()) {
        attrs.add(new LocalPref(r.nextLong(0x1_0000_0000L)));
      }
      if (r.nextInt(4) == 0) {
        attrs.add(AtomicAggregate.INSTANCE);
      }
      if (r.nextBoolean()) {
        List<Community> cs = new ArrayList<>();
        for (int i = 1 + r.nextInt(80); i > 0; i--) { // up to 320 octets: Extended Length
          cs.add(new Community(r.nextLong(0x1_0000_0000L)));
        }
        attrs.add(new Communities(cs));
      }
      if (r.nextBoolean()) {
        List<LargeCommunity> cs = new ArrayList<>();
        for (int i = 1 + r.nextInt(5); i > 0; i--) {
          cs.add(new LargeCommunity(r.nextLong(0x1_0000_0000L), r.nextLong(0x1_0000_0000L),
              r.nextLong(0x1_0000_0000L)));
        }
        attrs.add(new LargeCommunities(cs));
      }
      if (mpReach) {
        attrs.add(mpReach());
      }
    }
    if (r.nextInt(3) == 0) {
      AddressFamily f = family();
      attrs.add(new MpUnreachNlri(f, prefixes(f.afi() == Afi.IPV6, r.nextInt(10))));
    }
    for (int i = r.nextInt(3); i > 0; i--) {
      int type;
      int tries = 0;
      do {
        type = r.nextInt(256);
      } while (KNOWN_ATTRIBUTES.contains(type) || hasType(attrs, type) || ++tries > 1000);
      int flags = new int[] {0x80, 0xC0, 0xE0}[r.nextInt(3)];
      attrs.add(new UnknownAttribute(flags, type, bytes(r.nextInt(8) == 0 ? 256 + r.nextInt(200) : r.nextInt(20))));
    }
    Collections.shuffle(attrs, new Random(r.nextLong()));
    return new Update(withdrawn, attrs, nlri);
  }

  private static boolean hasType(List<PathAttribute> attrs, int type) {
    return attrs.stream().anyMatch(a -> a.typeCode() == type);
  }

  private MpReachNlri mpReach() {
    AddressFamily f = family();
    if (f.afi() == Afi.IPV4) {
      return new MpReachNlri(f, ipv4Host(), Optional.empty(), prefixes(false, r.nextInt(10)));
    }
    Optional<Inet6Address> ll = r.nextBoolean() ? Optional.of(ipv6()) : Optional.empty();
    return new MpReachNlri(f, ipv6(), ll, prefixes(true, r.nextInt(10)));
  }

  AsPath asPath(CodecContext ctx) {
    List<AsPathSegment> segs = new ArrayList<>();
    if (r.nextInt(5) == 0) { // confederation segments lead the path (RFC 5065 §4)
      AsPathSegment.Type t = r.nextBoolean()
          ? AsPathSegment.Type.AS_CONFED_SEQUENCE : AsPathSegment.Type.AS_CONFED_SET;
      // On a 2-octet session they travel in AS_PATH only, so their ASNs must fit 2 octets.
      segs.add(new AsPathSegment(t, asns(1 + r.nextInt(3), !ctx.fourOctetAs())));
    }
    for (int i = r.nextInt(4); i > 0; i--) {
      AsPathSegment.Type t = r.nextInt(4) == 0 ? AsPathSegment.Type.AS_SET : AsPathSegment.Type.AS_SEQUENCE;
      segs.add(new AsPathSegment(t, asns(1 + r.nextInt(r.nextInt(10) == 0 ? 255 : 6), false)));
    }
    return new AsPath(segs);
  }

  private List<Asn> asns(int n, boolean small) {
    List<Asn> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(small ? new Asn(r.nextInt(0x10000)) : asn());
    }
    return out;
  }

  Asn asn() {
    return switch (r.nextInt(3)) {
      case 0 -> new Asn(r.nextInt(0x10000));
      case 1 -> new Asn(4_200_000_000L + r.nextInt(94_967_295));
      default -> new Asn(r.nextLong(0x1_0000_0000L));
    };
  }

  AddressFamily family() {
    return r.nextBoolean() ? AddressFamily.IPV4_UNICAST : AddressFamily.IPV6_UNICAST;
  }

  List<Prefix> prefixes(boolean ipv6, int n) {
    List<Prefix> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(prefix(ipv6));
    }
    return out;
  }

  Prefix prefix(boolean ipv6) {
    byte[] a = new byte[ipv6 ? 16 : 4];
    for (int i = 0; i < a.length; i++) {
      a[i] = (byte) r.nextInt(256);
    }
    int max = ipv6 ? 128 : 32;
    int len = r.nextInt(3) == 0 ? max : r.nextInt(max + 1);
    return Prefix.containing(IpLiterals.fromBytes(a), len);
  }

  /** A unicast host address: not 0.0.0.0, not 255.255.255.255, not multicast (RFC 4271 §6.3). */
  Inet4Address ipv4Host() {
    int first = 1 + r.nextInt(223);
    return (Inet4Address) IpLiterals.fromBytes(new byte[] {(byte) first, (byte) r.nextInt(256),
        (byte) r.nextInt(256), (byte) (1 + r.nextInt(254))});
  }

  Inet6Address ipv6() {
    byte[] a = new byte[16];
    for (int i = 0; i < 16; i++) {
      a[i] = (byte) r.nextInt(256);
    }
    InetAddress x = IpLiterals.fromBytes(a);
    return (Inet6Address) x;
  }

  Octets bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return Octets.copyOf(b);
  }

  int nextInt(int bound) {
    return r.nextInt(bound);
  }
}
