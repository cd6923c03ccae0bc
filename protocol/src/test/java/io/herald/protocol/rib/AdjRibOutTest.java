package io.herald.protocol.rib;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.protocol.attribute.AsPath;
import io.herald.protocol.attribute.Community;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.IpLiterals;
import io.herald.protocol.types.Prefix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdjRibOutTest {
  private static final Set<AddressFamily> V4 = Set.of(AddressFamily.IPV4_UNICAST);
  private static final Set<AddressFamily> BOTH =
      Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST);

  private static final Prefix P1 = Prefix.parse("192.0.2.1/32");
  private static final Prefix P2 = Prefix.parse("192.0.2.2/32");
  private static final Prefix P3 = Prefix.parse("198.51.100.0/24");
  private static final Prefix V6 = Prefix.parse("2001:db8::1/128");

  /** A fresh instance each call: equal sets must still group and compare as one. */
  private static PathAttributes attrs(int community) {
    return PathAttributes.of(AsPath.sequence(Asn.of(64512)), IpLiterals.parse("192.0.2.254"))
        .withCommunities(List.of(Community.of(64512, community)));
  }

  private static PathAttributes attrs6() {
    return PathAttributes.of(AsPath.sequence(Asn.of(64512)), IpLiterals.parse("2001:db8::fe"));
  }

  private static RibDelta takeAll(AdjRibOut rib) {
    return rib.takePending(Integer.MAX_VALUE);
  }

  @Test
  void firstSessionAnnouncesEverythingGroupedByAttributes() {
    AdjRibOut rib = new AdjRibOut();
    rib.setDesired(Map.of(P1, attrs(1), P2, attrs(1), P3, attrs(2)));
    assertThat(rib.hasPending()).as("no session, nothing to send").isFalse();

    rib.sessionUp(V4);
    RibDelta d = takeAll(rib);
    assertThat(d.withdrawn()).isEmpty();
    assertThat(d.announced()).hasSize(2);
    assertThat(d.announced().get(attrs(1))).containsExactlyInAnyOrder(P1, P2);
    assertThat(d.announced().get(attrs(2))).containsExactly(P3);
    assertThat(rib.hasPending()).isFalse();
    assertThat(rib.advertisedCount()).isEqualTo(3);
  }

  @Test
  void equalAttributeSetsShareOneInstance() {
    AdjRibOut rib = new AdjRibOut();
    rib.sessionUp(V4);
    rib.setDesired(Map.of(P1, attrs(1), P2, attrs(1)));
    takeAll(rib);
    assertThat(rib.advertised(P1)).isSameAs(rib.advertised(P2));
  }

  @Test
  void changesWithdrawAndReannounceOnlyWhatDiffers() {
    AdjRibOut rib = new AdjRibOut();
    rib.sessionUp(V4);
    rib.setDesired(Map.of(P1, attrs(1), P2, attrs(1)));
    takeAll(rib);

    rib.setDesired(Map.of(P1, attrs(1), P3, attrs(1), P2, attrs(9)));
    RibDelta d = takeAll(rib);
    assertThat(d.withdrawn()).isEmpty();
    assertThat(d.announced()).containsOnlyKeys(attrs(1), attrs(9));
    assertThat(d.announced().get(attrs(1))).containsExactly(P3);
    assertThat(d.announced().get(attrs(9))).containsExactly(P2);

    rib.setDesired(Map.of(P3, attrs(1)));
    d = takeAll(rib);
    assertThat(d.withdrawn()).containsExactlyInAnyOrder(P1, P2);
    assertThat(d.announced()).isEmpty();
    assertThat(rib.advertisedCount()).isEqualTo(1);

    rib.setDesired(Map.of(P3, attrs(1)));
    assertThat(rib.hasPending()).as("same desired set again").isFalse();
  }

  @Test
  void changesCollapseWhileTheChannelIsBlocked() {
    AdjRibOut rib = new AdjRibOut();
    rib.sessionUp(V4);
    rib.setDesired(Map.of(P1, attrs(1)));
    takeAll(rib);
    rib.setDesired(Map.of(P1, attrs(2))); // A -> B
    rib.setDesired(Map.of(P1, attrs(1))); // B -> A before anything was sent
    assertThat(rib.hasPending()).isFalse();
    assertThat(takeAll(rib).isEmpty()).isTrue();

    rib.setDesired(Map.of(P2, attrs(1))); // add P2, drop P1
    rib.setDesired(Map.of(P1, attrs(1))); // and back
    assertThat(rib.hasPending()).isFalse();
  }

  @Test
  void batchesResumeWhereTheyStopped() {
    AdjRibOut rib = new AdjRibOut();
    rib.sessionUp(V4);
    Map<Prefix, PathAttributes> desired = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      desired.put(Prefix.parse("203.0.113." + i + "/32"), attrs(i % 2));
    }
    rib.setDesired(desired);
    List<Prefix> seen = new ArrayList<>();
    int batches = 0;
    while (rib.hasPending()) {
      RibDelta d = rib.takePending(3);
      assertThat(d.size()).isLessThanOrEqualTo(3);
      d.announced().values().forEach(seen::addAll);
      batches++;
    }
    assertThat(batches).isEqualTo(4);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(desired.keySet());
    assertThat(rib.advertisedCount()).isEqualTo(10);
  }

  @Test
  void routeRefreshResendsTheFamilyOnly() {
    AdjRibOut rib = new AdjRibOut();
    rib.sessionUp(BOTH);
    rib.setDesired(Map.of(P1, attrs(1), P2, attrs(2), V6, attrs6()));
    takeAll(rib);

    rib.refresh(AddressFamily.IPV4_UNICAST);
    RibDelta d = takeAll(rib);
    assertThat(d.withdrawn()).isEmpty();
    assertThat(d.announced().values().stream().flatMap(List::stream))
        .containsExactlyInAnyOrder(P1, P2);
    assertThat(rib.advertisedCount()).isEqualTo(3);
  }

  @Test
  void aRefreshedPrefixThatIsDroppedIsStillWithdrawn() {
    AdjRibOut rib = new AdjRibOut();
    rib.sessionUp(V4);
    rib.setDesired(Map.of(P1, attrs(1), P2, attrs(1)));
    takeAll(rib);
    rib.refresh(AddressFamily.IPV4_UNICAST);
    rib.setDesired(Map.of(P2, attrs(1))); // before the refresh went out
    RibDelta d = takeAll(rib);
    assertThat(d.withdrawn()).containsExactly(P1);
    assertThat(d.announced().get(attrs(1))).containsExactly(P2);
  }

  @Test
  void aRefreshDuringTheInitialFeedKeepsTheRestPending() {
    AdjRibOut rib = new AdjRibOut();
    Map<Prefix, PathAttributes> desired = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      desired.put(Prefix.containing(IpLiterals.ipv4(0xC633_6400 + i), 32), attrs(i % 2));
    }
    rib.setDesired(desired);
    rib.sessionUp(V4);
    RibDelta first = rib.takePending(300);
    assertThat(rib.advertisedCount()).isEqualTo(300);
    rib.refresh(AddressFamily.IPV4_UNICAST);
    // The 300 sent are sent again, the 700 not yet sent are still to come: 1000 in all.
    assertThat(rib.pendingCount()).isEqualTo(1000);
    Map<Prefix, PathAttributes> peer = new HashMap<>();
    first.announced().forEach((a, ps) -> ps.forEach(p -> peer.put(p, a)));
    takeAll(rib).announced().forEach((a, ps) -> ps.forEach(p -> peer.put(p, a)));
    assertThat(peer).isEqualTo(desired);
    assertThat(rib.advertisedCount()).isEqualTo(1000);
  }

  @Test
  void theInitialFeedMarksEveryPrefixAdvertised() {
    AdjRibOut rib = new AdjRibOut();
    Map<Prefix, PathAttributes> desired = new HashMap<>();
    for (int i = 0; i < 5000; i++) {
      desired.put(Prefix.containing(IpLiterals.ipv4(0xC633_6400 + i), 32), attrs(i % 3));
    }
    desired.put(V6, attrs6()); // not eligible on an IPv4-only session
    rib.setDesired(desired);
    rib.sessionUp(V4);
    RibDelta first = rib.takePending(2000);
    assertThat(rib.advertisedCount()).isEqualTo(2000);
    Prefix sent = first.announced().values().iterator().next().get(0);
    assertThat(rib.advertised(sent)).isEqualTo(desired.get(sent));
    takeAll(rib);
    assertThat(rib.advertisedCount()).isEqualTo(5000);
    assertThat(rib.advertised(V6)).isNull();
    for (int i = 0; i < 5000; i += 499) {
      Prefix p = Prefix.containing(IpLiterals.ipv4(0xC633_6400 + i), 32);
      assertThat(rib.advertised(p)).isEqualTo(attrs(i % 3));
    }
    // Nothing changed: nothing to send. One route changed: only it.
    rib.setDesired(desired);
    assertThat(rib.hasPending()).isFalse();
    desired.put(Prefix.containing(IpLiterals.ipv4(0xC633_6400), 32), attrs(7));
    rib.setDesired(desired);
    assertThat(rib.pendingCount()).isEqualTo(1);
  }

  @Test
  void anInitialFeedPackedAheadIsMarkedSentAtOnce() {
    AdjRibOut rib = new AdjRibOut();
    Map<Prefix, PathAttributes> desired = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      desired.put(Prefix.containing(IpLiterals.ipv4(0xC633_6400 + i), 32), attrs(i % 2));
    }
    desired.put(V6, attrs6());
    rib.setDesired(desired);
    assertThat(rib.desiredWithin(V4)).isFalse();
    assertThat(rib.desiredWithin(BOTH)).isTrue();
    Map<PathAttributes, List<Prefix>> table = rib.desiredByAttributes(V4);
    assertThat(table).hasSize(2);
    assertThat(table.get(attrs(0))).hasSize(500);
    assertThat(table.get(attrs(1))).hasSize(500);
    assertThat(rib.hasPending()).as("looking ahead changes nothing").isFalse();

    rib.sessionUp(V4);
    assertThat(rib.initialFeedSent()).isEqualTo(1000);
    assertThat(rib.hasPending()).isFalse();
    assertThat(rib.advertisedCount()).isEqualTo(1000);
    assertThat(rib.advertised(V6)).isNull();
    desired.remove(Prefix.containing(IpLiterals.ipv4(0xC633_6400), 32));
    rib.setDesired(desired);
    assertThat(takeAll(rib).withdrawn()).containsExactly(Prefix.containing(IpLiterals.ipv4(0xC633_6400), 32));

    AdjRibOut started = new AdjRibOut();
    started.setDesired(desired);
    started.sessionUp(V4);
    started.takePending(10);
    org.assertj.core.api.Assertions.assertThatThrownBy(started::initialFeedSent)
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void sessionDownForgetsWhatWasAdvertised() {
    AdjRibOut rib = new AdjRibOut();
    rib.sessionUp(V4);
    rib.setDesired(Map.of(P1, attrs(1), P2, attrs(1)));
    takeAll(rib);
    rib.sessionDown();
    assertThat(rib.advertisedCount()).isZero();
    assertThat(rib.hasPending()).isFalse();
    rib.setDesired(Map.of(P1, attrs(1)));
    assertThat(rib.hasPending()).isFalse();

    rib.sessionUp(V4);
    RibDelta d = takeAll(rib);
    assertThat(d.withdrawn()).as("the new session never had P2").isEmpty();
    assertThat(d.announced().get(attrs(1))).containsExactly(P1);
  }

  @Test
  void prefixesOfFamiliesNotNegotiatedAreNeverPending() {
    AdjRibOut rib = new AdjRibOut();
    rib.sessionUp(V4);
    rib.setDesired(Map.of(V6, attrs6()));
    assertThat(rib.hasPending()).isFalse();
    rib.setDesired(Map.of(V6, attrs6(), P1, attrs(1)));
    RibDelta d = takeAll(rib);
    assertThat(d.announced().values().stream().flatMap(List::stream)).containsExactly(P1);
    rib.refresh(AddressFamily.IPV6_UNICAST);
    assertThat(rib.hasPending()).isFalse();
  }

  @Test
  void hundredThousandPrefixesRoundTrip() {
    AdjRibOut rib = new AdjRibOut();
    rib.sessionUp(BOTH);
    Map<Prefix, PathAttributes> desired = new HashMap<>();
    PathAttributes a = attrs(1);
    PathAttributes b = attrs(2);
    for (int i = 0; i < 100_000; i++) {
      desired.put(Prefix.containing(IpLiterals.ipv4(0x0A00_0000 + i), 32), i % 10 == 0 ? b : a);
    }
    rib.setDesired(desired);
    RibDelta d = takeAll(rib);
    assertThat(d.announced().get(a)).hasSize(90_000);
    assertThat(d.announced().get(b)).hasSize(10_000);

    desired.put(Prefix.containing(IpLiterals.ipv4(0x0A00_0000), 32), attrs(3));
    desired.remove(Prefix.containing(IpLiterals.ipv4(0x0A00_0001), 32));
    rib.setDesired(desired);
    assertThat(rib.pendingCount()).isEqualTo(2);
    d = takeAll(rib);
    assertThat(d.withdrawn()).hasSize(1);
    assertThat(d.announced().get(attrs(3))).hasSize(1);
    assertThat(rib.advertisedCount()).isEqualTo(99_999);
  }

  /**
   * Random operations against a plain reference model: the peer's view built from the deltas
   * always equals what the reference says it must be once everything is sent, whether the desired
   * set comes whole or as changes.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 7, 99, 2024, 31337})
  void matchesAReferenceModel(long seed) {
    Random rnd = new Random(seed);
    List<Prefix> universe = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      universe.add(Prefix.parse("198.51.100." + i + "/32"));
      universe.add(Prefix.parse("2001:db8::" + Integer.toHexString(i + 1) + "/128"));
    }
    AdjRibOut rib = new AdjRibOut();
    Map<Prefix, PathAttributes> peer = new HashMap<>(); // what the peer holds, from the deltas
    Map<Prefix, PathAttributes> desired = Map.of();
    Set<AddressFamily> families = Set.of();
    int refreshed = 0;
    for (int step = 0; step < 3000; step++) {
      int op = rnd.nextInt(100);
      if (op < 20) {
        // A few routes changed, added or removed; the rest stays.
        Map<Prefix, PathAttributes> changes = new HashMap<>();
        for (int k = rnd.nextInt(6); k >= 0; k--) {
          Prefix p = universe.get(rnd.nextInt(universe.size()));
          changes.put(p, rnd.nextInt(3) == 0 ? null : p.isIpv6() ? attrs6() : attrs(rnd.nextInt(3)));
        }
        Map<Prefix, PathAttributes> next = new HashMap<>(desired);
        changes.forEach((p, a) -> {
          if (a == null) {
            next.remove(p);
          } else {
            next.put(p, a);
          }
        });
        desired = next;
        rib.changeDesired(changes, (p, a) -> a);
      } else if (op < 40) {
        Map<Prefix, PathAttributes> next = new HashMap<>();
        for (Prefix p : universe) {
          if (rnd.nextInt(3) == 0) {
            next.put(p, p.isIpv6() ? attrs6() : attrs(rnd.nextInt(3)));
          }
        }
        desired = next;
        rib.setDesired(next);
      } else if (op < 80) {
        RibDelta d = rib.takePending(1 + rnd.nextInt(10));
        for (Prefix p : d.withdrawn()) {
          assertThat(peer.remove(p)).as("withdrawing %s the peer has", p).isNotNull();
        }
        d.announced().forEach((a, ps) -> ps.forEach(p -> peer.put(p, a)));
      } else if (op < 86) {
        rib.sessionDown();
        peer.clear();
        families = Set.of();
      } else if (op < 92) {
        if (families.isEmpty()) {
          families = rnd.nextBoolean() ? V4 : BOTH;
          rib.sessionUp(families);
        }
      } else {
        rib.refresh(rnd.nextBoolean() ? AddressFamily.IPV4_UNICAST : AddressFamily.IPV6_UNICAST);
        refreshed++;
      }
      // Invariant: the peer's view plus what is pending gives exactly the filtered desired set.
      assertThat(rib.advertisedCount()).isEqualTo(peer.size());
      if (!rib.hasPending()) {
        assertThat(peer).isEqualTo(filter(desired, families));
      }
    }
    // Drain: the peer ends with exactly the desired routes of the session's families.
    while (rib.hasPending()) {
      RibDelta d = rib.takePending(7);
      d.withdrawn().forEach(peer::remove);
      d.announced().forEach((a, ps) -> ps.forEach(p -> peer.put(p, a)));
    }
    assertThat(peer).isEqualTo(filter(desired, families));
    assertThat(refreshed).isPositive();
  }

  private static Map<Prefix, PathAttributes> filter(Map<Prefix, PathAttributes> m,
      Set<AddressFamily> families) {
    Map<Prefix, PathAttributes> out = new HashMap<>();
    m.forEach((p, a) -> {
      AddressFamily f = p.isIpv6() ? AddressFamily.IPV6_UNICAST : AddressFamily.IPV4_UNICAST;
      if (families.contains(f)) {
        out.put(p, a);
      }
    });
    return out;
  }

  @Test
  void aChangeOfAFewRoutesSendsOnlyThemAndAChangeBackSendsNothing() {
    AdjRibOut rib = new AdjRibOut();
    rib.setDesired(Map.of(P1, attrs(1), P2, attrs(1), P3, attrs(2)));
    rib.sessionUp(V4);
    takeAll(rib);
    Map<Prefix, PathAttributes> changes = new HashMap<>();
    changes.put(P1, null);
    changes.put(P2, attrs(2));
    changes.put(V6, attrs6());
    rib.changeDesired(changes, (p, a) -> a);
    assertThat(rib.pendingCount()).as("IPv6 is not negotiated").isEqualTo(2);
    RibDelta d = takeAll(rib);
    assertThat(d.withdrawn()).containsExactly(P1);
    assertThat(d.announced()).containsOnlyKeys(attrs(2));
    assertThat(d.announced().get(attrs(2))).containsExactly(P2);

    // Changed and changed back before anything was sent: nothing to send.
    rib.changeDesired(Map.of(P3, attrs(5)), (p, a) -> a);
    rib.changeDesired(Map.of(P3, attrs(2)), (p, a) -> a);
    assertThat(rib.hasPending()).isFalse();
    assertThat(rib.advertisedCount()).isEqualTo(2);
  }

  @Test
  void aChangeInTheMiddleOfTheInitialFeedKeepsWhatWasSent() {
    AdjRibOut rib = new AdjRibOut();
    Map<Prefix, PathAttributes> many = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 1000; i++) {
      many.put(Prefix.host(IpLiterals.ipv4(0xC6336400 + i)), attrs(1));
    }
    rib.setDesired(many);
    rib.sessionUp(V4);
    List<Prefix> sent = takeAllOf(rib.takePending(300));
    Map<Prefix, PathAttributes> changes = new HashMap<>();
    changes.put(sent.get(0), null);
    changes.put(P1, attrs(1));
    rib.changeDesired(changes, (p, a) -> a);
    Map<Prefix, Boolean> announced = new HashMap<>();
    List<Prefix> withdrawn = new ArrayList<>();
    while (rib.hasPending()) {
      RibDelta d = rib.takePending(100);
      withdrawn.addAll(d.withdrawn());
      takeAllOf(d).forEach(p -> assertThat(announced.put(p, true)).as("%s sent once", p).isNull());
    }
    assertThat(withdrawn).containsExactly(sent.get(0));
    assertThat(announced).hasSize(700 + 1).containsKey(P1).doesNotContainKeys(sent.toArray(Prefix[]::new));
    assertThat(rib.advertisedCount()).isEqualTo(1000);
  }

  private static List<Prefix> takeAllOf(RibDelta d) {
    List<Prefix> out = new ArrayList<>();
    d.announced().values().forEach(out::addAll);
    return out;
  }

  @Test
  void aNewDesiredSetInTheMiddleOfTheInitialFeedDiffsAgainstWhatWasSent() {
    AdjRibOut rib = new AdjRibOut();
    java.util.Map<Prefix, PathAttributes> many = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 1000; i++) {
      many.put(Prefix.host(io.herald.protocol.types.IpLiterals.ipv4(0xC6336400 + i)), attrs(1));
    }
    rib.setDesired(many);
    rib.sessionUp(V4);
    assertThat(rib.pendingCount()).isEqualTo(1000);
    RibDelta first = rib.takePending(300);
    java.util.List<Prefix> sent = first.announced().values().iterator().next();
    assertThat(sent).hasSize(300);
    assertThat(rib.pendingCount()).isEqualTo(700);
    // Keep only the first 100 of those already sent: 200 withdrawals, nothing else to announce.
    java.util.Map<Prefix, PathAttributes> fewer = new java.util.LinkedHashMap<>();
    sent.subList(0, 100).forEach(p -> fewer.put(p, attrs(1)));
    rib.setDesired(fewer);
    RibDelta rest = takeAll(rib);
    assertThat(rest.announced()).isEmpty();
    assertThat(rest.withdrawn()).containsExactlyInAnyOrderElementsOf(sent.subList(100, 300));
    assertThat(rib.advertisedCount()).isEqualTo(100);
    assertThat(rib.hasPending()).isFalse();
  }

  @Test
  void theDesiredSetMayBeGivenBeforeAnySessionAndThroughAnExportFunction() {
    AdjRibOut rib = new AdjRibOut();
    java.util.Map<Prefix, String> routes = new java.util.LinkedHashMap<>();
    routes.put(P1, "a");
    routes.put(P2, "b");
    routes.put(V6, "a");
    rib.setDesired(routes, (p, v) -> p.isIpv6() ? null : attrs(v.equals("a") ? 1 : 2));
    assertThat(rib.hasPending()).as("no session: nothing pending").isFalse();
    rib.sessionUp(BOTH);
    RibDelta d = takeAll(rib);
    assertThat(d.announced()).hasSize(2);
    assertThat(d.announced().values().stream().flatMap(java.util.List::stream))
        .containsExactlyInAnyOrder(P1, P2);
  }

  @Test
  void withdrawingEverythingWalksTheTableAndANewSetInTheMiddleKeepsTheRest() {
    AdjRibOut rib = new AdjRibOut();
    java.util.Map<Prefix, PathAttributes> many = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 1000; i++) {
      many.put(Prefix.host(io.herald.protocol.types.IpLiterals.ipv4(0xC6336400 + i)), attrs(1));
    }
    rib.setDesired(many);
    rib.sessionUp(V4);
    takeAll(rib);
    rib.setDesired(java.util.Map.of());
    assertThat(rib.pendingCount()).isEqualTo(1000);
    RibDelta first = rib.takePending(400);
    assertThat(first.withdrawn()).hasSize(400);
    assertThat(first.announced()).isEmpty();
    assertThat(rib.advertisedCount()).isEqualTo(600);
    first.withdrawn().forEach(p -> assertThat(rib.advertised(p)).isNull());
    // Interrupted: everything comes back. Only the 400 already withdrawn are announced again.
    rib.setDesired(many);
    RibDelta again = takeAll(rib);
    assertThat(again.withdrawn()).isEmpty();
    assertThat(again.announced().values().iterator().next())
        .containsExactlyInAnyOrderElementsOf(first.withdrawn());
    assertThat(rib.advertisedCount()).isEqualTo(1000);
    // And a complete withdraw-all empties the table.
    rib.setDesired(java.util.Map.of());
    assertThat(takeAll(rib).withdrawn()).hasSize(1000);
    assertThat(rib.advertisedCount()).isZero();
    assertThat(rib.hasPending()).isFalse();
  }
}
