package io.herald.protocol.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** ExaBGP 4.2 JSON API events, captured from the daemons this harness starts (host fields trimmed). */
class ExabgpEventsTest {
  static final String PEER = "127.174.159.2";
  static final String HEAD = "{ \"exabgp\": \"4.0.1\", \"time\": 1795671622.9, \"counter\": 1, ";
  static final String NEIGHBOR = "\"neighbor\": { \"address\": { \"local\": \"127.174.159.3\", \"peer\": \"" + PEER
      + "\" }, \"asn\": { \"local\": 65000, \"peer\": 65000 } , ";

  static String state(String s) {
    return HEAD + "\"type\": \"state\", " + NEIGHBOR + "\"state\": \"" + s + "\" } }";
  }

  static final String UPDATE = HEAD + "\"type\": \"update\", " + NEIGHBOR + "\"direction\": \"receive\", "
      + "\"message\": { \"update\": { \"attribute\": { \"origin\": \"igp\", \"as-path\": [ 65010, 4200000000 ], "
      + "\"med\": 3, \"local-preference\": 150, \"community\": [ [ 65000, 1 ] ], "
      + "\"large-community\": [ [ 65000, 2 , 3 ] ] }, \"announce\": { \"ipv4 unicast\": { \"127.174.159.2\": "
      + "[ { \"nlri\": \"203.0.113.0/24\" }, { \"nlri\": \"198.51.100.0/24\" } ] } } } } } }";
  static final String UPDATE6 = HEAD + "\"type\": \"update\", " + NEIGHBOR + "\"direction\": \"receive\", "
      + "\"message\": { \"update\": { \"attribute\": { \"origin\": \"egp\" }, \"announce\": { \"ipv6 unicast\": "
      + "{ \"2001:db8:0::1\": [ { \"nlri\": \"2001:db8:ffff:0::/48\" } ] } } } } } }";
  static final String WITHDRAW = HEAD + "\"type\": \"update\", " + NEIGHBOR + "\"direction\": \"receive\", "
      + "\"message\": { \"update\": { \"withdraw\": { \"ipv4 unicast\": [ { \"nlri\": \"198.51.100.0/24\" } ] } } } } }";
  static final String EOR = HEAD + "\"type\": \"update\", " + NEIGHBOR + "\"direction\": \"receive\", "
      + "\"message\": { \"eor\": { \"afi\" : \"ipv4\", \"safi\" : \"unicast\" } } } }";
  static final String CEASE = HEAD + "\"type\": \"notification\", " + NEIGHBOR + "\"direction\": \"receive\", "
      + "\"notification\": { \"code\": 6, \"subcode\": 2, \"data\": \"0x\" }  } }";

  @Test
  void rebuildsTheRibFromAnnouncementsAndWithdrawals() {
    ExabgpEvents e = new ExabgpEvents();
    e.accept(state("connected"));
    assertThat(e.state(PEER)).isEqualTo(SessionState.OPEN_SENT);
    e.accept(state("up"));
    e.accept(UPDATE);
    e.accept(UPDATE6);
    e.accept(EOR);
    e.accept("done");   // an API acknowledgement, not an event

    assertThat(e.state(PEER)).isEqualTo(SessionState.ESTABLISHED);
    assertThat(e.routeCount(PEER)).isEqualTo(3);
    assertThat(e.routes(PEER).get(0)).isEqualTo(new ReceivedRoute("203.0.113.0/24", PEER,
        List.of(65010L, 4200000000L), 150L, 3L, List.of("65000:1"), List.of("65000:2:3"), ReceivedRoute.Origin.IGP));
    assertThat(e.routes(PEER).get(2).prefix()).isEqualTo("2001:db8:ffff::/48");
    assertThat(e.routes(PEER).get(2).nextHop()).isEqualTo("2001:db8::1");

    e.accept(WITHDRAW);
    assertThat(e.routes(PEER)).extracting(ReceivedRoute::prefix).containsExactly("203.0.113.0/24",
        "2001:db8:ffff::/48");
  }

  @Test
  void notificationIsRecordedAndDownClearsTheRib() {
    ExabgpEvents e = new ExabgpEvents();
    e.accept(state("up"));
    e.accept(UPDATE);
    e.accept(CEASE);
    e.accept(state("down"));

    assertThat(e.notifications(PEER)).containsExactly(new SeenNotification("receive", 6, 2));
    assertThat(e.state(PEER)).isEqualTo(SessionState.IDLE);
    assertThat(e.routes(PEER)).isEmpty();
  }

  @Test
  void unknownNeighborIsIdleAndEmpty() {
    ExabgpEvents e = new ExabgpEvents();
    assertThat(e.state("192.0.2.7")).isEqualTo(SessionState.IDLE);
    assertThat(e.routes("192.0.2.7")).isEmpty();
  }
}
