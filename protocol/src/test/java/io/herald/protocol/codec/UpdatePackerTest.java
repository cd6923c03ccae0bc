package io.herald.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.protocol.attribute.AsPath;
import io.herald.protocol.attribute.Communities;
import io.herald.protocol.attribute.LargeCommunities;
import io.herald.protocol.attribute.LocalPref;
import io.herald.protocol.attribute.MpReachNlri;
import io.herald.protocol.attribute.MultiExitDisc;
import io.herald.protocol.attribute.NextHop;
import io.herald.protocol.attribute.Origin;
import io.herald.protocol.attribute.PathAttribute;
import io.herald.protocol.attribute.Community;
import io.herald.protocol.attribute.LargeCommunity;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.MessageType;
import io.herald.protocol.message.Update;
import io.herald.protocol.rib.PathAttributes;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.IpLiterals;
import io.herald.protocol.types.Prefix;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UpdatePackerTest {
  private static final CodecContext AS4 = new CodecContext(true, false,
      Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST));
  private static final CodecContext AS2 = new CodecContext(false, false, AS4.families());
  private static final CodecContext AS4_EXTENDED = new CodecContext(true, true, AS4.families());

  private static final PathAttributes V4 = PathAttributes.of(
      AsPath.sequence(Asn.of(65001)), IpLiterals.parse("192.0.2.1"));

  @Test
  void hundredThousandHostRoutesFillEveryMessageToTheBrim() {
    List<Prefix> prefixes = hostRoutes(100_000);
    List<byte[]> frames = UpdatePacker.pack(List.of(), Map.of(V4, prefixes), AS4);

    int attributeBlock = UpdatePacker.attributeBlock(V4, AS4, true).length;
    int perFrame = (4096 - 23 - attributeBlock) / 5; // a /32 is 5 octets of NLRI
    assertThat(frames).hasSize((100_000 + perFrame - 1) / perFrame);
    assertThat(frames).allSatisfy(f -> assertThat(f.length).isLessThanOrEqualTo(4096));
    assertThat(frames.get(0).length).isGreaterThan(4096 - 5);

    Decoded d = decodeAll(frames, AS4);
    assertThat(d.announced).containsOnlyKeys(V4);
    assertThat(d.announced.get(V4)).containsExactlyElementsOf(prefixes); // order kept too
    assertThat(d.withdrawn).isEmpty();
  }

  @Test
  void extendedMessagesCarryUpTo65535Octets() {
    List<Prefix> prefixes = hostRoutes(100_000);
    List<byte[]> frames = UpdatePacker.pack(prefixes.subList(0, 30_000), Map.of(V4, prefixes), AS4_EXTENDED);
    int perFrame = (65535 - 23 - UpdatePacker.attributeBlock(V4, AS4_EXTENDED, true).length) / 5;
    int withdrawFrames = (30_000 + (65535 - 23) / 5 - 1) / ((65535 - 23) / 5);
    assertThat(frames).hasSize(withdrawFrames + (100_000 + perFrame - 1) / perFrame);
    assertThat(frames).allSatisfy(f -> assertThat(f.length).isLessThanOrEqualTo(65535));
    Decoded d = decodeAll(frames, AS4_EXTENDED);
    assertThat(d.withdrawn).containsExactlyElementsOf(prefixes.subList(0, 30_000));
    assertThat(d.announced.get(V4)).containsExactlyElementsOf(prefixes);
  }

  @Test
  void mixedFamiliesAttributeSetsAndWithdrawalsDecodeBackToTheInput() {
    RandomMessages gen = new RandomMessages(2024);
    for (CodecContext ctx : List.of(AS4, AS2, AS4_EXTENDED)) {
      List<Prefix> withdrawn = new ArrayList<>();
      withdrawn.addAll(gen.prefixes(false, 3_000));
      withdrawn.addAll(gen.prefixes(true, 2_000));
      Map<PathAttributes, List<Prefix>> announced = new LinkedHashMap<>();
      PathAttributes rich = new PathAttributes(Origin.INCOMPLETE,
          new AsPath(List.of(io.herald.protocol.attribute.AsPathSegment.sequence(
              Asn.of(65001), Asn.of(4_200_000_000L)))),
          IpLiterals.parse("198.51.100.1"), Optional.empty(), OptionalLong.of(50),
          OptionalLong.of(200), List.of(Community.NO_EXPORT, Community.of(65001, 7)),
          List.of(new LargeCommunity(4_200_000_000L, 1, 2)));
      announced.put(V4, gen.prefixes(false, 2_500));
      announced.put(rich, gen.prefixes(false, 1_500));
      PathAttributes v6 = PathAttributes.of(AsPath.sequence(Asn.of(4_200_000_001L)),
          IpLiterals.parse("2001:db8::1"));
      announced.put(v6, gen.prefixes(true, 2_000));
      PathAttributes v6ll = rich.withNextHop(IpLiterals.parse("2001:db8::2"),
          Optional.of((Inet6Address) IpLiterals.parse("fe80::2")));
      announced.put(v6ll, gen.prefixes(true, 1_000));

      List<byte[]> frames = UpdatePacker.pack(withdrawn, announced, ctx);
      assertThat(frames).allSatisfy(
          f -> assertThat(f.length).isLessThanOrEqualTo(ctx.maxLength(MessageType.UPDATE)));
      Decoded d = decodeAll(frames, ctx);
      assertThat(new HashSet<>(d.withdrawn)).isEqualTo(new HashSet<>(withdrawn));
      assertThat(d.announced.keySet()).isEqualTo(announced.keySet());
      announced.forEach((pa, ps) -> assertThat(d.announced.get(pa)).containsExactlyElementsOf(ps));
      // Few messages: no more than one partly filled message per family and attribute set.
      int octets = frames.stream().mapToInt(f -> f.length).sum();
      assertThat(frames.size()).isLessThanOrEqualTo(octets / ctx.maxLength(MessageType.UPDATE) + 6);
    }
  }

  @Test
  void endOfRibIsTheEmptyUpdateOrTheEmptyMpUnreach() {
    for (AddressFamily f : List.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST)) {
      Inbound.Message m = (Inbound.Message) MessageDecoder.decode(UpdatePacker.endOfRib(f), AS4);
      assertThat(m.issues()).isEmpty();
      assertThat(((Update) m.message()).endOfRibFamily()).contains(f);
    }
    assertThat(UpdatePacker.endOfRib(AddressFamily.IPV4_UNICAST)).hasSize(23);
  }

  @Test
  void nothingToSendIsNoMessage() {
    assertThat(UpdatePacker.pack(List.of(), Map.of(), AS4)).isEmpty();
    assertThat(UpdatePacker.pack(List.of(), Map.of(V4, List.of()), AS4)).isEmpty();
  }

  @Test
  void aNextHopOfTheWrongFamilyIsRefused() {
    assertThatThrownBy(() -> UpdatePacker.pack(List.of(),
        Map.of(V4, List.of(Prefix.parse("2001:db8::/64"))), AS4))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static List<Prefix> hostRoutes(int n) {
    List<Prefix> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Prefix.host(IpLiterals.ipv4(0x0A00_0000 + i)));
    }
    return out;
  }

  /** What the frames say once decoded: withdrawn prefixes, and prefixes by attribute set. */
  private record Decoded(List<Prefix> withdrawn, Map<PathAttributes, List<Prefix>> announced) {}

  private static Decoded decodeAll(List<byte[]> frames, CodecContext ctx) {
    List<Prefix> withdrawn = new ArrayList<>();
    Map<PathAttributes, List<Prefix>> announced = new HashMap<>();
    for (byte[] f : frames) {
      Inbound in = MessageDecoder.decode(f, ctx);
      assertThat(in).isInstanceOf(Inbound.Message.class);
      Inbound.Message m = (Inbound.Message) in;
      assertThat(m.issues()).isEmpty();
      Update u = (Update) m.message();
      withdrawn.addAll(u.withdrawn());
      u.mpUnreach().ifPresent(x -> withdrawn.addAll(x.withdrawn()));
      if (!u.nlri().isEmpty()) {
        announced.computeIfAbsent(attributesOf(u, u.attribute(NextHop.class).orElseThrow().address(),
            Optional.empty()), k -> new ArrayList<>()).addAll(u.nlri());
      }
      Optional<MpReachNlri> mp = u.mpReach();
      if (mp.isPresent()) {
        announced.computeIfAbsent(attributesOf(u, mp.get().nextHop(), mp.get().linkLocalNextHop()),
            k -> new ArrayList<>()).addAll(mp.get().nlri());
      }
      // Attributes come in ascending type order (RFC 4271 §5).
      List<Integer> types = u.attributes().stream().map(PathAttribute::typeCode).toList();
      assertThat(types).isSorted();
    }
    return new Decoded(withdrawn, announced);
  }

  private static PathAttributes attributesOf(Update u, InetAddress nextHop,
      Optional<Inet6Address> linkLocal) {
    return new PathAttributes(u.attribute(Origin.class).orElseThrow(),
        u.attribute(AsPath.class).orElseThrow(), nextHop, linkLocal,
        u.attribute(MultiExitDisc.class).map(x -> OptionalLong.of(x.value())).orElse(OptionalLong.empty()),
        u.attribute(LocalPref.class).map(x -> OptionalLong.of(x.value())).orElse(OptionalLong.empty()),
        u.attribute(Communities.class).map(Communities::communities).orElse(List.of()),
        u.attribute(LargeCommunities.class).map(LargeCommunities::communities).orElse(List.of()));
  }

}
