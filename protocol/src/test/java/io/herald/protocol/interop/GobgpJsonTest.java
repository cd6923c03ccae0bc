package io.herald.protocol.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** GoBGP 3.10 {@code gobgp -j} output, captured from the daemons this harness starts. */
class GobgpJsonTest {
  static final String ADJ_IN4 = """
      {"198.51.100.0/24":[{"nlri":{"prefix":"198.51.100.0/24"},"age":1795671592,"best":false,"attrs":[\
      {"type":1,"value":2},{"type":2,"as_paths":[{"segment_type":2,"num":2,"asns":[65001,64999]}]},\
      {"type":3,"nexthop":"192.0.2.1"},{"type":4,"metric":4},{"type":5,"value":120},\
      {"type":8,"communities":[4259905537,4259905538]},\
      {"type":32,"value":[{"ASN":65001,"LocalData1":7,"LocalData2":8}]}],\
      "stale":false,"source-id":"192.0.2.1","neighbor-ip":"192.0.2.1"}]}
      """;

  static final String ADJ_IN6 = """
      {"2001:db8:1::/48":[{"nlri":{"prefix":"2001:db8:1::/48"},"age":1795671592,"best":false,"attrs":[\
      {"type":1,"value":0},{"type":2,"as_paths":[{"segment_type":2,"num":1,"asns":[65001]}]},\
      {"type":14,"nexthop":"2001:db8:0:0::1","afi":2,"safi":1,"value":[{"prefix":"2001:db8:1::/48"}]},\
      {"type":8,"communities":[4259905545]}],"stale":false,"source-id":"192.0.2.1","neighbor-ip":"2001:db8::1"}]}
      """;

  static final String NEIGHBOR = """
      {"conf":{"local_asn":65003,"neighbor_address":"192.0.2.1","peer_asn":4200000001,"type":1},\
      "state":{"neighbor_address":"192.0.2.1","peer_asn":4200000001,"session_state":6,"router_id":"192.0.2.1"},\
      "afi_safis":[{"config":{"family":{"afi":1,"safi":1},"enabled":true},\
      "state":{"family":{"afi":1,"safi":1},"enabled":true,"received":3,"accepted":3}},\
      {"config":{"family":{"afi":2,"safi":1},"enabled":true},"state":{"enabled":true,"received":4}}]}
      """;

  @Test
  void ipv4PathWithEveryAttribute() {
    assertThat(GobgpJson.routes(ADJ_IN4)).containsExactly(new ReceivedRoute("198.51.100.0/24", "192.0.2.1",
        List.of(65001L, 64999L), 120L, 4L, List.of("65001:1", "65001:2"), List.of("65001:7:8"),
        ReceivedRoute.Origin.INCOMPLETE));
  }

  @Test
  void ipv6NextHopComesFromMpReach() {
    ReceivedRoute r = GobgpJson.routes(ADJ_IN6).get(0);
    assertThat(r.prefix()).isEqualTo("2001:db8:1::/48");
    assertThat(r.nextHop()).isEqualTo("2001:db8::1");
    assertThat(r.communities()).containsExactly("65001:9");
    assertThat(r.origin()).isEqualTo(ReceivedRoute.Origin.IGP);
  }

  @Test
  void emptyRibPrintsNothingOrNull() {
    assertThat(GobgpJson.routes("")).isEmpty();
    assertThat(GobgpJson.routes("null\n")).isEmpty();
    assertThat(GobgpJson.routes("{}")).isEmpty();
  }

  @Test
  void stateEnumAndReceivedCount() {
    assertThat(GobgpJson.state(NEIGHBOR)).isEqualTo(SessionState.ESTABLISHED);
    assertThat(GobgpJson.received(NEIGHBOR)).isEqualTo(7);
    assertThat(GobgpJson.state("{\"state\":{\"session_state\":3}}")).isEqualTo(SessionState.ACTIVE);
    assertThat(GobgpJson.state("{\"state\":{\"session_state\":\"OPENCONFIRM\"}}"))
        .isEqualTo(SessionState.OPEN_CONFIRM);
    assertThat(GobgpJson.state("{\"state\":{}}")).isEqualTo(SessionState.UNKNOWN);
  }
}
