package io.herald.protocol.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** FRR 8.4 vtysh JSON, captured from the daemons this harness starts (trimmed to the keys read). */
class FrrJsonTest {
  static final String NEIGHBOR = """
      {
        "192.0.2.1":{
          "remoteAs":65001,
          "localAs":65002,
          "bgpState":"Established",
          "addressFamilyInfo":{
            "ipv4Unicast":{
              "updateGroupId":1,
              "acceptedPrefixCounter":1,
              "sentPrefixCounter":1
            },
            "ipv6Unicast":{
              "acceptedPrefixCounter":41
            }
          },
          "hostForeign":"192.0.2.1"
        }
      }
      """;

  static final String ROUTES6 = """
      {
       "vrfId": 0,
       "vrfName": "default",
       "routerId": "192.0.2.2",
       "routes": { "2001:db8:ffff::/48": [{"valid":true,"bestpath":true,"pathFrom":"external","prefix":"2001:db8:ffff::",\
      "prefixLen":48,"network":"2001:db8:ffff::/48","peerId":"2001:db8::1","path":"65001","origin":"IGP",\
      "nexthops":[{"ip":"2001:db8::1","afi":"ipv6","scope":"global"},{"ip":"fe80::e8f6:9ff:fe81:37ab","afi":"ipv6",\
      "scope":"link-local","used":true}]}]
       }  }\s
      """;

  // two "show bgp ipv4 unicast <prefix> json" outputs as vtysh prints them for two -c options
  static final String DETAILS = """
      {
        "prefix":"203.0.113.0/24",
        "paths":[
          {
            "aspath":{"string":"4200000001","segments":[{"type":"as-sequence","list":[4200000001]}],"length":1},
            "origin":"EGP",
            "metric":5,
            "locPrf":150,
            "community":{"string":"65000:1","list":["65000:1"]},
            "largeCommunity":{"string":"65000:1:2","list":["65000:1:2"]},
            "nexthops":[{"ip":"192.0.2.1","afi":"ipv4","metric":0,"accessible":true,"used":true}],
            "peer":{"peerId":"192.0.2.1","routerId":"192.0.2.1","type":"external"}
          },
          {
            "aspath":{"string":"65009","segments":[{"type":"as-sequence","list":[65009]}],"length":1},
            "origin":"IGP",
            "nexthops":[{"ip":"192.0.2.9","afi":"ipv4","used":true}],
            "peer":{"peerId":"192.0.2.9","routerId":"192.0.2.9","type":"external"}
          }
        ]
      }
      {
      }
      {
        "prefix":"198.51.100.0/24",
        "paths":[
          {
            "aspath":{"string":"","segments":[],"length":0},
            "origin":"incomplete",
            "nexthops":[{"ip":"192.0.2.1","afi":"ipv4","used":true}],
            "peer":{"peerId":"192.0.2.1","routerId":"192.0.2.1","type":"internal"}
          }
        ]
      }
      """;

  @Test
  void neighborStateAndAcceptedCountOverFamilies() {
    assertThat(FrrJson.state(NEIGHBOR, "192.0.2.1")).isEqualTo(SessionState.ESTABLISHED);
    assertThat(FrrJson.acceptedPrefixes(NEIGHBOR, "192.0.2.1")).isEqualTo(42);
    assertThat(FrrJson.state("{\n  \"bgpNoSuchNeighbor\":true\n}\n", "192.0.2.1")).isEqualTo(SessionState.UNKNOWN);
  }

  @Test
  void listsPrefixesOfANeighbor() {
    assertThat(FrrJson.prefixes(ROUTES6)).containsExactly("2001:db8:ffff::/48");
    assertThat(FrrJson.prefixes("")).isEmpty();
  }

  @Test
  void detailsKeepOnlyThePathsFromTheNeighbor() {
    List<ReceivedRoute> routes = FrrJson.routes(DETAILS, "192.0.2.1");

    assertThat(routes).containsExactly(
        new ReceivedRoute("203.0.113.0/24", "192.0.2.1", List.of(4200000001L), 150L, 5L, List.of("65000:1"),
            List.of("65000:1:2"), ReceivedRoute.Origin.EGP),
        new ReceivedRoute("198.51.100.0/24", "192.0.2.1", List.of(), null, null, List.of(), List.of(),
            ReceivedRoute.Origin.INCOMPLETE));
    assertThat(FrrJson.routes(DETAILS, "192.0.2.9")).singleElement()
        .satisfies(r -> assertThat(r.asPath()).containsExactly(65009L));
  }
}
