package io.herald.node.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BirdRoutesTest {

  /**
   * BIRD 2.0.12's {@code show route all} in the demo (DemoBirdIT), cut to two networks; the
   * community lines of the second path are added in BIRD's format for communities (RFC 1997
   * pairs) and large communities (RFC 8092 triples).
   */
  static final String SHOWN = """
      BIRD 2.0.12 ready.
      Table master4:
      203.0.113.0/32       unicast [node_a 08:16:58.220] * (100) [AS64501i]
      \tvia 198.51.100.11 on hdemo-7480r
      \tType: BGP univ
      \tBGP.origin: IGP
      \tBGP.as_path: 64501
      \tBGP.next_hop: 198.51.100.11
      \tBGP.local_pref: 100
                           unicast [node_b 08:16:58.220] (100) [AS64501i]
      \tvia 198.51.100.12 on hdemo-7480r
      \tType: BGP univ
      \tBGP.origin: IGP
      \tBGP.as_path: 64501
      \tBGP.next_hop: 198.51.100.12
      \tBGP.local_pref: 100
      \tBGP.community: (64512,100) (65535,65281)
      \tBGP.large_community: (64512, 1, 2)
      10.96.0.1/32         unicast [node_a 08:16:58.696] * (100) [AS64501i]
      \tvia 198.51.100.11 on hdemo-7480r
      \tType: BGP univ
      \tBGP.origin: IGP
      \tBGP.as_path: 64501
      \tBGP.next_hop: 198.51.100.11
      \tBGP.local_pref: 100
                           unicast [node_c 08:16:58.717] (100) [AS64501i]
      \tvia 198.51.100.13 on hdemo-7480r
      \tType: BGP univ
      \tBGP.origin: IGP
      \tBGP.as_path: 64501
      \tBGP.next_hop: 198.51.100.13
      \tBGP.local_pref: 100
      """;

  @Test
  void everyPathOfEveryNetworkWithItsNextHopAndCommunities() {
    assertThat(BirdRoutes.parse(SHOWN)).containsExactly(
        new LearnedRoute("203.0.113.0/32", "198.51.100.11", List.of()),
        new LearnedRoute("203.0.113.0/32", "198.51.100.12", List.of("64512:100", "65535:65281", "64512:1:2")),
        new LearnedRoute("10.96.0.1/32", "198.51.100.11", List.of()),
        new LearnedRoute("10.96.0.1/32", "198.51.100.13", List.of()));
  }

  @Test
  void anEmptyTableHasNoPaths() {
    assertThat(BirdRoutes.parse("BIRD 2.0.12 ready.\nTable master4:\n")).isEmpty();
    assertThat(BirdRoutes.parse("")).isEmpty();
  }
}
