package io.herald.node.announce;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.pool.ServiceKey;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The announcer's status crosses nodes (any node's /api/v1/services asks every node). */
class StatusSerializationTest {
  private static final ActorTestKit testKit = ActorTestKit.create(
      ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void statusAndItsRequestRoundTrip() {
    Serialization ser = SerializationExtension.get(testKit.system());
    var status = new NodeAnnouncements.Status("node-a",
        List.of(new NodeAnnouncements.PeerStatus("r1", "2001:db8::1", 179, 4_200_000_001L, "Established",
            Instant.parse("2026-11-26T06:00:00.123Z"), 3, 7, 3, "hold-timer-expired")),
        List.of(new NodeAnnouncements.ServiceStatus(new ServiceKey("ns", "web"), "private",
            List.of(IpAddress.of("192.0.2.1"), IpAddress.of("2001:db8::5")), false, "noLocalEndpoints", List.of("r1"))),
        List.of("peer r9 has no peerAddress"));
    var probe = testKit.<NodeAnnouncements.Status>createTestProbe();
    for (Object o : List.of(status, new NodeAnnouncements.GetStatus(probe.ref()))) {
      var s = ser.findSerializerFor(o);
      assertThat(s.getClass().getSimpleName()).isEqualTo("JacksonCborSerializer");
      Object back = ser.deserialize(ser.serialize(o).get(), s.identifier(), Serializers.manifestFor(s, o)).get();
      assertThat(back).isEqualTo(o);
    }
  }
}
