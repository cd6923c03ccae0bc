package io.herald.allocator.ip;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IpAddressTest {

  @ParameterizedTest
  @CsvSource({
      "192.0.2.1, 192.0.2.1",
      "0.0.0.0, 0.0.0.0",
      "255.255.255.255, 255.255.255.255",
      "2001:db8::1, 2001:db8::1",
      "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
      "::, ::",
      "::1, ::1",
      "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1",
      "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
      "2001:0:0:1:0:0:0:0, 2001:0:0:1::",
      "2001:db8:1:1:1:1:0:1, 2001:db8:1:1:1:1:0:1",
      "::ffff:192.0.2.1, ::ffff:c000:201",
      "fc00::, fc00::"
  })
  void parsesAndPrintsCanonically(String text, String canonical) {
    assertThat(IpAddress.of(text).toString()).isEqualTo(canonical);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "a.b.c.d",
      "2001:db8:::1", "2001::db8::1", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1", "example.com",
      "1.2.3.4/24", " 1.2.3.4"})
  void rejectsNonLiterals(String text) {
    assertThat(IpAddress.parse(text)).isEmpty();
  }

  @Test
  void agreesWithTheJdkOnRandomAddresses() throws Exception {
    Random rnd = new Random(42);
    for (int i = 0; i < 2000; i++) {
      byte[] b = new byte[i % 2 == 0 ? 4 : 16];
      rnd.nextBytes(b);
      InetAddress jdk = InetAddress.getByAddress(b);
      IpAddress ours = IpAddress.of(jdk);
      assertThat(ours.toInetAddress()).isEqualTo(jdk);
      assertThat(IpAddress.of(ours.toString())).isEqualTo(ours);
      assertThat(InetAddress.getByName(ours.toString())).isEqualTo(jdk); // literal: no DNS lookup
    }
  }

  @Test
  void arithmeticCarriesAcrossTheHalves() {
    IpAddress a = IpAddress.of("2001:db8::ffff:ffff:ffff:ffff");
    assertThat(a.next()).isEqualTo(IpAddress.of("2001:db8:0:1::"));
    assertThat(a.next().previous()).isEqualTo(a);
    assertThat(IpAddress.of("192.0.2.255").next()).isEqualTo(IpAddress.of("192.0.3.0"));
    assertThat(IpAddress.of("::").isMin()).isTrue();
    assertThat(IpAddress.of("255.255.255.255").isMax()).isTrue();
  }

  @Test
  void ordersIpv4BeforeIpv6AndNumericallyUnsigned() {
    assertThat(IpAddress.of("255.255.255.255")).isLessThan(IpAddress.of("::"));
    assertThat(IpAddress.of("8000::")).isGreaterThan(IpAddress.of("7fff::"));
    assertThat(IpAddress.of("128.0.0.0")).isGreaterThan(IpAddress.of("127.255.255.255"));
  }

  @Test
  void buggyFirmwareAddressesAreIpv4DotZeroAndDot255Only() {
    assertThat(IpAddress.of("192.0.2.0").confusesBuggyFirmware()).isTrue();
    assertThat(IpAddress.of("192.0.2.255").confusesBuggyFirmware()).isTrue();
    assertThat(IpAddress.of("192.0.2.1").confusesBuggyFirmware()).isFalse();
    assertThat(IpAddress.of("2001:db8::ff").confusesBuggyFirmware()).isFalse();
    assertThat(IpAddress.of("2001:db8::").confusesBuggyFirmware()).isFalse();
  }

  @Test
  void masksAndFillsHostBits() {
    assertThat(IpAddress.of("192.0.2.77").mask(24)).isEqualTo(IpAddress.of("192.0.2.0"));
    assertThat(IpAddress.of("192.0.2.77").fillHost(24)).isEqualTo(IpAddress.of("192.0.2.255"));
    assertThat(IpAddress.of("2001:db8:1:2:3:4:5:6").mask(64)).isEqualTo(IpAddress.of("2001:db8:1:2::"));
    assertThat(IpAddress.of("2001:db8::").fillHost(96)).isEqualTo(IpAddress.of("2001:db8::ffff:ffff"));
    assertThat(IpAddress.of("2001:db8::").fillHost(0)).isEqualTo(IpAddress.of("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    assertThat(IpAddress.of("10.1.2.3").mask(0)).isEqualTo(IpAddress.of("0.0.0.0"));
  }
}
