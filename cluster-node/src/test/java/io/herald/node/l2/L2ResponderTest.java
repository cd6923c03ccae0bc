package io.herald.node.l2;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class L2ResponderTest {

  static final MacAddress OURS = MacAddress.parse("02:00:00:00:00:aa");
  static final MacAddress CLIENT = MacAddress.parse("02:00:00:00:00:01");
  static final Inet4Address VIP4 = v4("192.0.2.100");
  static final Inet4Address CLIENT4 = v4("192.0.2.1");
  static final Inet6Address VIP6 = (Inet6Address) ip("2001:db8::100");
  static final Inet6Address CLIENT6 = (Inet6Address) ip("2001:db8::1");
  static final Set<InetAddress> OWNED = Set.of(VIP4, VIP6);

  static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Inet4Address v4(String s) {
    return (Inet4Address) ip(s);
  }

  static byte[] arpRequest(MacAddress from, Inet4Address fromIp, Inet4Address target) {
    return new ArpPacket(ArpPacket.Operation.REQUEST, from, fromIp, MacAddress.ZERO, target)
        .inFrame(MacAddress.BROADCAST, from).encode();
  }

  /** A solicitation as a resolving host sends it: to the solicited-node group, with its SLLA. */
  static byte[] solicitation(Inet6Address src, Inet6Address target, Optional<MacAddress> slla, int hopLimit) {
    Inet6Address dst = Ndp.solicitedNodeGroup(target);
    int opt = slla.isPresent() ? 8 : 0;
    byte[] m = new byte[24 + opt];
    m[0] = (byte) 135;
    System.arraycopy(target.getAddress(), 0, m, 8, 16);
    slla.ifPresent(mac -> {
      m[24] = 1;
      m[25] = 1;
      mac.write(m, 26);
    });
    int sum = Ndp.checksum(src.getAddress(), dst.getAddress(), m, m.length);
    m[2] = (byte) (sum >>> 8);
    m[3] = (byte) sum;
    byte[] p = new byte[40 + m.length];
    p[0] = 0x60;
    p[5] = (byte) m.length;
    p[6] = 58;
    p[7] = (byte) hopLimit;
    System.arraycopy(src.getAddress(), 0, p, 8, 16);
    System.arraycopy(dst.getAddress(), 0, p, 24, 16);
    System.arraycopy(m, 0, p, 40, m.length);
    return new EthernetFrame(MacAddress.ipv6Multicast(dst.getAddress()), CLIENT, EthernetFrame.ETHERTYPE_IPV6, p).encode();
  }

  static Optional<L2Responder.Reply> answer(byte[] frame) {
    return L2Responder.onFrame(frame, frame.length, OWNED, OURS);
  }

  @Test
  void answersArpRequestForOwnedIpWithOurMac() {
    L2Responder.Reply r = answer(arpRequest(CLIENT, CLIENT4, VIP4)).orElseThrow();
    assertThat(r.ip()).isEqualTo(VIP4);
    EthernetFrame f = EthernetFrame.decode(r.frame(), r.frame().length).orElseThrow();
    assertThat(f.destination()).isEqualTo(CLIENT);
    assertThat(f.source()).isEqualTo(OURS);
    ArpPacket a = ArpPacket.decode(f.payload()).orElseThrow();
    assertThat(a).isEqualTo(new ArpPacket(ArpPacket.Operation.REPLY, OURS, VIP4, CLIENT, CLIENT4));
    assertThat(r.frame()).hasSize(EthernetFrame.MIN_LENGTH);
  }

  @Test
  void ignoresArpForOtherIpsRepliesAndOwnEcho() {
    assertThat(answer(arpRequest(CLIENT, CLIENT4, v4("192.0.2.101")))).isEmpty();
    byte[] reply = new ArpPacket(ArpPacket.Operation.REPLY, CLIENT, CLIENT4, OURS, VIP4).inFrame(OURS, CLIENT).encode();
    assertThat(answer(reply)).isEmpty();
    assertThat(answer(arpRequest(OURS, CLIENT4, VIP4))).isEmpty();
    assertThat(L2Responder.onFrame(arpRequest(CLIENT, CLIENT4, VIP4), 60, Set.of(), OURS)).isEmpty();
  }

  @Test
  void answersSolicitationWithSolicitedOverrideAdvertisement() {
    L2Responder.Reply r = answer(solicitation(CLIENT6, VIP6, Optional.of(CLIENT), 255)).orElseThrow();
    EthernetFrame f = EthernetFrame.decode(r.frame(), r.frame().length).orElseThrow();
    assertThat(f.destination()).isEqualTo(CLIENT);
    NeighborAdvertisement na = Ndp.decodeAdvertisement(f.payload()).orElseThrow();
    assertThat(na).isEqualTo(new NeighborAdvertisement(VIP6, CLIENT6, false, true, true, VIP6, Optional.of(OURS)));
  }

  @Test
  void duplicateAddressDetectionIsAnsweredToAllNodes() {
    Inet6Address unspecified = (Inet6Address) ip("::");
    L2Responder.Reply r = answer(solicitation(unspecified, VIP6, Optional.empty(), 255)).orElseThrow();
    NeighborAdvertisement na = Ndp.decodeAdvertisement(EthernetFrame.decode(r.frame(), r.frame().length).orElseThrow()
        .payload()).orElseThrow();
    assertThat(na.destination()).isEqualTo(Ndp.ALL_NODES);
    assertThat(na.solicited()).isFalse();
    // RFC 4861 §7.1.1: an unspecified source must not carry a source link-layer option.
    assertThat(answer(solicitation(unspecified, VIP6, Optional.of(CLIENT), 255))).isEmpty();
  }

  @Test
  void solicitationThatWasForwardedIsIgnored() {
    assertThat(answer(solicitation(CLIENT6, VIP6, Optional.of(CLIENT), 254))).isEmpty();
    assertThat(answer(solicitation(CLIENT6, VIP6, Optional.of(CLIENT), 64))).isEmpty();
  }

  @Test
  void badChecksumIsIgnored() {
    byte[] f = solicitation(CLIENT6, VIP6, Optional.of(CLIENT), 255);
    f[14 + 40 + 2] ^= 1;
    assertThat(answer(f)).isEmpty();
  }

  @Test
  void announcementsAreGratuitousArpAndUnsolicitedAdvertisement() {
    byte[] garp = L2Responder.announcement(VIP4, OURS);
    EthernetFrame f = EthernetFrame.decode(garp, garp.length).orElseThrow();
    assertThat(f.destination()).isEqualTo(MacAddress.BROADCAST);
    assertThat(ArpPacket.decode(f.payload()).orElseThrow())
        .isEqualTo(new ArpPacket(ArpPacket.Operation.REQUEST, OURS, VIP4, MacAddress.ZERO, VIP4));
    byte[] una = L2Responder.announcement(VIP6, OURS);
    EthernetFrame g = EthernetFrame.decode(una, una.length).orElseThrow();
    assertThat(g.destination()).isEqualTo(MacAddress.parse("33:33:00:00:00:01"));
    NeighborAdvertisement na = Ndp.decodeAdvertisement(g.payload()).orElseThrow();
    assertThat(na.override()).isTrue();
    assertThat(na.solicited()).isFalse();
    assertThat(na.targetLinkLayer()).contains(OURS);
  }

  /** Every mutation of a valid request that breaks a field the RFCs require is dropped without an exception. */
  @Test
  void corpusOfBrokenFramesYieldsNoReply() {
    List<byte[]> bad = new ArrayList<>();
    byte[] arp = arpRequest(CLIENT, CLIENT4, VIP4);
    bad.add(new byte[0]);
    bad.add(new byte[13]);
    bad.add(java.util.Arrays.copyOf(arp, 14 + 27));
    for (int[] edit : new int[][] {{14, 1}, {15, 6}, {16, 0x86}, {18, 8}, {19, 16}, {21, 3}, {21, 0}}) {
      byte[] b = arp.clone();
      b[edit[0]] = (byte) edit[1];
      bad.add(b);
    }
    byte[] spoofed = arp.clone();
    spoofed[6] |= 1; // group bit in the Ethernet source
    bad.add(spoofed);
    byte[] groupSender = arp.clone();
    groupSender[14 + 8] = (byte) 0xff; // ARP sender hardware address is a group address
    bad.add(groupSender);
    byte[] ns = solicitation(CLIENT6, VIP6, Optional.of(CLIENT), 255);
    bad.add(java.util.Arrays.copyOf(ns, 14 + 40 + 23));
    for (int[] edit : new int[][] {{14, 0x40}, {14 + 6, 17}, {14 + 5, 200}, {14 + 5, 8}, {14 + 40 + 1, 1},
        {14 + 40 + 24 + 1, 0}, {14 + 40 + 24 + 1, 2}, {14 + 40 + 8, 0xff}}) {
      byte[] b = ns.clone();
      b[edit[0]] = (byte) edit[1];
      bad.add(b);
    }
    byte[] wrongGroup = ns.clone();
    wrongGroup[5] ^= 1; // Ethernet destination does not match the IPv6 multicast destination
    bad.add(wrongGroup);
    for (byte[] b : bad) {
      assertThat(answer(b)).as("frame %s", java.util.HexFormat.of().formatHex(b)).isEmpty();
    }
  }

  /** Random bit flips of valid requests never throw, and a reply is only ever for an owned IP. */
  @Test
  void randomMutationsNeverThrowAndOnlyAnswerOwnedIps() {
    Random rnd = new Random(4861);
    List<byte[]> seeds = List.of(arpRequest(CLIENT, CLIENT4, VIP4), solicitation(CLIENT6, VIP6, Optional.of(CLIENT), 255));
    int answered = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] b = seeds.get(i % 2).clone();
      int flips = 1 + rnd.nextInt(4);
      for (int k = 0; k < flips; k++) b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
      int len = rnd.nextInt(10) == 0 ? rnd.nextInt(b.length + 1) : b.length;
      Optional<L2Responder.Reply> r = L2Responder.onFrame(b, len, OWNED, OURS);
      if (r.isPresent()) {
        answered++;
        assertThat(OWNED).contains(r.get().ip());
      }
    }
    // Flips in padding or in the ignored ARP target hardware address keep requests valid.
    assertThat(answered).isPositive().isLessThan(20_000);
  }

  @Test
  void checksumOfEncodedAdvertisementVerifies() {
    Random rnd = new Random(4443);
    for (int i = 0; i < 200; i++) {
      byte[] a = new byte[16];
      rnd.nextBytes(a);
      a[0] = 0x20;
      Inet6Address target = Ndp.ipv6(a);
      NeighborAdvertisement na = new NeighborAdvertisement(target, CLIENT6, rnd.nextBoolean(), rnd.nextBoolean(),
          rnd.nextBoolean(), target, Optional.of(new MacAddress(rnd.nextLong() & 0xfeff_ffff_ffffL)));
      assertThat(Ndp.decodeAdvertisement(Ndp.encode(na))).contains(na);
    }
  }
}
