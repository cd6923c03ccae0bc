package io.herald.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.allocator.ip.IpAddress;
import io.herald.k8s.decision.AnnounceDecision;
import io.herald.k8s.decision.Reason;
import io.herald.k8s.decision.ServiceDecision;
import io.herald.k8s.model.AnnounceProtocol;
import io.herald.k8s.model.ServiceKey;
import io.herald.k8s.model.ServiceView;
import io.herald.k8s.model.TrafficPolicy;
import io.herald.node.announce.ServiceAnnouncement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnnouncementFeedTest {

  private static final ServiceKey KEY = new ServiceKey("default", "web");
  private static final io.herald.allocator.pool.ServiceKey ALLOC_KEY = new io.herald.allocator.pool.ServiceKey("default", "web");

  private static ServiceView view(List<String> ips, Map<String, String> annotations) {
    return new ServiceView(KEY, "uid", "LoadBalancer", Optional.empty(), TrafficPolicy.LOCAL, ips,
        Map.of("app", "web"), annotations);
  }

  private static final AnnounceDecision L2_OFF = new AnnounceDecision.Withdraw(AnnounceProtocol.LAYER2, Reason.NO_MATCHING_ADVERTISEMENT);

  @Test
  void anAnnounceCarriesTheDecidedIpsThePoolAndTheLabels() {
    var d = new ServiceDecision(KEY, new AnnounceDecision.Announce(AnnounceProtocol.BGP, List.of("198.51.100.4"),
        List.of("ad"), List.of("r1"), List.of()), L2_OFF);
    var a = AnnouncementFeed.announcement(d, Optional.of(view(List.of("198.51.100.4"),
        Map.of("metallb.io/ip-allocated-from-pool", "private"))));
    assertThat(a).contains(ServiceAnnouncement.announce(ALLOC_KEY, "private", List.of(IpAddress.of("198.51.100.4")),
        Map.of("app", "web")));
  }

  @Test
  void aWithdrawKeepsTheStatusIpsAndSaysWhy() {
    var d = new ServiceDecision(KEY, new AnnounceDecision.Withdraw(AnnounceProtocol.BGP, Reason.NO_LOCAL_ENDPOINTS), L2_OFF);
    var a = AnnouncementFeed.announcement(d, Optional.of(view(List.of("198.51.100.4"), Map.of())));
    assertThat(a).contains(ServiceAnnouncement.withdraw(ALLOC_KEY, "", List.of(IpAddress.of("198.51.100.4")),
        Map.of("app", "web"), "noLocalEndpoints"));
  }

  @Test
  void nothingForAServiceGoneOrWithoutAddress() {
    var d = new ServiceDecision(KEY, new AnnounceDecision.Withdraw(AnnounceProtocol.BGP, Reason.NO_IP_ALLOCATED), L2_OFF);
    assertThat(AnnouncementFeed.announcement(d, Optional.empty())).isEmpty();
    assertThat(AnnouncementFeed.announcement(d, Optional.of(view(List.of(), Map.of())))).isEmpty();
  }
}
