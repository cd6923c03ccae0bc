package io.herald.k8s.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelTest {

  @Test
  void cidrsAndRangesContainExactlyTheirAddresses() {
    AddressRange v4 = AddressRange.parse("192.0.2.16/28");
    assertThat(v4.contains("192.0.2.16")).isTrue();
    assertThat(v4.contains("192.0.2.31")).isTrue();
    assertThat(v4.contains("192.0.2.32")).isFalse();
    assertThat(v4.contains("2001:db8::1")).isFalse();
    AddressRange range = AddressRange.parse("198.51.100.10-198.51.100.20");
    assertThat(range.contains("198.51.100.20")).isTrue();
    assertThat(range.contains("198.51.100.21")).isFalse();
    AddressRange v6 = AddressRange.parse("2001:db8::/124");
    assertThat(v6.contains("2001:db8::f")).isTrue();
    assertThat(v6.contains("2001:db8::10")).isFalse();
    // Host bits in a CIDR are ignored, as Go's net.ParseCIDR does.
    assertThat(AddressRange.parse("192.0.2.5/24").contains("192.0.2.200")).isTrue();
  }

  @Test
  void addressParsingRejectsNamesAndNonsense() {
    assertThat(AddressRange.parse("192.0.2.0/24").contains("example.com")).isFalse();
    assertThat(AddressRange.parse("192.0.2.0/24").contains("192.0.2.256")).isFalse();
    assertThatThrownBy(() -> AddressRange.parse("192.0.2.0/33")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AddressRange.parse("192.0.2.9-192.0.2.1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AddressRange.parse("192.0.2.1-2001:db8::1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AddressRange.parse("localhost")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void serviceKeysAndSharingKeys() {
    assertThat(ServiceKey.parse("default/web")).isEqualTo(new ServiceKey("default", "web"));
    assertThatThrownBy(() -> ServiceKey.parse("web")).isInstanceOf(IllegalArgumentException.class);
    var svc = new ServiceView(new ServiceKey("d", "s"), "u", "LoadBalancer", Optional.empty(), TrafficPolicy.CLUSTER, List.of(),
        Map.of(), Map.of(ServiceView.ALLOW_SHARED_IP_DEPRECATED, "old", ServiceView.ALLOW_SHARED_IP, "new"));
    assertThat(svc.sharingKey()).hasValue("new");
    assertThat(TrafficPolicy.of("Local")).isEqualTo(TrafficPolicy.LOCAL);
    assertThat(TrafficPolicy.of(null)).isEqualTo(TrafficPolicy.CLUSTER);
  }
}
