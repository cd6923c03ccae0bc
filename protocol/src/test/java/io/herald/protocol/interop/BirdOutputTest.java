package io.herald.protocol.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** BIRD 2.0.12 CLI output, captured from the daemons this harness starts. */
class BirdOutputTest {
  // birdc show route all table all protocol exa (banner removed), iBGP from ExaBGP on loopback
  static final String ROUTES = """
      Table master4:
      203.0.113.128/26     unreachable [exa 05:24:14.695 from 127.0.77.3] * (100) [AS2?]
      \tType: BGP univ
      \tBGP.origin: Incomplete
      \tBGP.as_path: 1 2
      \tBGP.next_hop: 127.0.77.9
      \tBGP.local_pref: 100
      \tBGP.community: (65000,1) (65000,2)
      203.0.113.0/24       unreachable [exa 05:24:08.469 from 127.0.77.3] * (100) [AS4200000000i]
      \tType: BGP univ
      \tBGP.origin: IGP
      \tBGP.as_path: 65010 4200000000
      \tBGP.next_hop: 127.0.77.3
      \tBGP.med: 5
      \tBGP.local_pref: 200
      \tBGP.community: (65000,1) (65000,2)
      \tBGP.large_community: (65000, 1, 2)
      Table master6:
      2001:db8:ffff::/48   unicast [n_2001_db8__2 05:40:01.000] * (100) [AS65002i]
      \tvia 2001:db8::2 on eth0
      \tType: BGP univ
      \tBGP.origin: IGP
      \tBGP.as_path: {65002 65003}
      \tBGP.next_hop: 2001:db8:0::2 fe80::c0d7:ecff:fed5:f07a
      \tBGP.local_pref: 100
                           unicast [n_2001_db8__3 05:40:02.000] (100) [AS65009e]
      \tType: BGP univ
      \tBGP.origin: EGP
      \tBGP.as_path:\s
      \tBGP.next_hop: 2001:db8::3
      \tBGP.local_pref: 100
      """;

  // birdc show protocols all n_192_0_2_2, first lines and the channel summary
  static final String PROTOCOL_UP = """
      Name       Proto      Table      State  Since         Info
      n_192_0_2_2 BGP        ---        up     2026-11-26 05:39:50.491  Established
        BGP state:          Established
          Neighbor address: 192.0.2.2
          Neighbor port:    1790
          Session:          external AS4
          Source address:   192.0.2.1
        Channel ipv4
          State:          UP
          Table:          master4
          Routes:         70000 imported, 1 exported, 0 preferred
        Channel ipv6
          State:          UP
          Table:          master6
          Routes:         30000 imported, 0 exported, 0 preferred
      """;

  static final String PROTOCOL_DOWN = """
      Name       Proto      Table      State  Since         Info
      n_192_0_2_2 BGP        ---        start  05:40:10.112  Active        Socket: Connection closed
        BGP state:          Active
          Neighbor address: 192.0.2.2
          Neighbor AS:      65002
          Local AS:         65001
          Connect delay:    1.466/1
          Last error:       BGP Error: Hold timer expired
      """;

  @Test
  void parsesEveryAttributeOfEveryRoute() {
    List<ReceivedRoute> routes = BirdOutput.routes(ROUTES);

    assertThat(routes).extracting(ReceivedRoute::prefix)
        .containsExactly("203.0.113.128/26", "203.0.113.0/24", "2001:db8:ffff::/48", "2001:db8:ffff::/48");
    ReceivedRoute full = routes.get(1);
    assertThat(full).isEqualTo(new ReceivedRoute("203.0.113.0/24", "127.0.77.3", List.of(65010L, 4200000000L), 200L,
        5L, List.of("65000:1", "65000:2"), List.of("65000:1:2"), ReceivedRoute.Origin.IGP));
    assertThat(routes.get(0).origin()).isEqualTo(ReceivedRoute.Origin.INCOMPLETE);
    assertThat(routes.get(0).med()).isNull();
    assertThat(routes.get(0).largeCommunities()).isEmpty();
  }

  @Test
  void ipv6NextHopDropsTheLinkLocalAndIsCanonical() {
    ReceivedRoute r = BirdOutput.routes(ROUTES).get(2);
    assertThat(r.nextHop()).isEqualTo("2001:db8::2");
    assertThat(r.asPath()).containsExactly(65002L, 65003L);   // an AS_SET prints in braces
  }

  @Test
  void secondRouteToTheSamePrefixStartsWithSpaces() {
    ReceivedRoute r = BirdOutput.routes(ROUTES).get(3);
    assertThat(r.prefix()).isEqualTo("2001:db8:ffff::/48");
    assertThat(r.nextHop()).isEqualTo("2001:db8::3");
    assertThat(r.asPath()).isEmpty();
    assertThat(r.origin()).isEqualTo(ReceivedRoute.Origin.EGP);
  }

  @Test
  void noRoutesIsAnEmptyList() {
    assertThat(BirdOutput.routes("")).isEmpty();
    assertThat(BirdOutput.routes("Table master4:\n")).isEmpty();
  }

  @Test
  void stateCountAndLastError() {
    assertThat(BirdOutput.bgpState(PROTOCOL_UP)).isEqualTo(SessionState.ESTABLISHED);
    assertThat(BirdOutput.importedRoutes(PROTOCOL_UP)).isEqualTo(100_000);
    assertThat(BirdOutput.lastError(PROTOCOL_UP)).isEmpty();

    assertThat(BirdOutput.bgpState(PROTOCOL_DOWN)).isEqualTo(SessionState.ACTIVE);
    assertThat(BirdOutput.importedRoutes(PROTOCOL_DOWN)).isZero();
    assertThat(BirdOutput.lastError(PROTOCOL_DOWN)).contains("BGP Error: Hold timer expired");
  }

  @Test
  void unknownProtocolIsUnknownState() {
    assertThat(BirdOutput.bgpState("syntax error, unexpected CF_SYM_UNDEFINED\n")).isEqualTo(SessionState.UNKNOWN);
  }
}
