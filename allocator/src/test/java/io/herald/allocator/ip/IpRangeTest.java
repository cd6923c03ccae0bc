package io.herald.allocator.ip;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpRangeTest {

  @Test
  void cidrIgnoresHostBitsLikeGo() {
    IpRange r = IpRange.of("192.0.2.77/24");
    assertThat(r.first()).isEqualTo(IpAddress.of("192.0.2.0"));
    assertThat(r.last()).isEqualTo(IpAddress.of("192.0.2.255"));
    assertThat(r.size()).isEqualTo(BigInteger.valueOf(256));
  }

  @Test
  void hugeRangesAreJustTwoEnds() {
    assertThat(IpRange.of("10.0.0.0/8").size()).isEqualTo(BigInteger.ONE.shiftLeft(24));
    assertThat(IpRange.of("2001:db8::/64").size()).isEqualTo(BigInteger.ONE.shiftLeft(64));
    assertThat(IpRange.of("::/0").size()).isEqualTo(BigInteger.ONE.shiftLeft(128));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "192.0.2.1          | invalid CIDR \"192.0.2.1\"",
      "192.0.2.0/33       | invalid CIDR \"192.0.2.0/33\"",
      "192.0.2.0/         | invalid CIDR \"192.0.2.0/\"",
      "2001:db8::/129     | invalid CIDR \"2001:db8::/129\"",
      "x-192.0.2.9        | invalid IP range \"x-192.0.2.9\": invalid start IP \"x\"",
      "192.0.2.1-y        | invalid IP range \"192.0.2.1-y\": invalid end IP \"y\"",
      "192.0.2.9-192.0.2.1 | invalid IP range \"192.0.2.9-192.0.2.1\": start IP \"192.0.2.9\" is after the end IP \"192.0.2.1\"",
      "192.0.2.1-2001:db8::1 | invalid IP range \"192.0.2.1-2001:db8::1\": start IP \"192.0.2.1\" and end IP \"2001:db8::1\" are of different families"
  })
  void rejectsWithMetalLbText(String text, String reason) {
    assertThat(IpRange.parse(text)).isEqualTo(new IpRange.Parsed.Invalid(reason));
  }

  @Test
  void rangesSummariseIntoPrefixes() {
    assertThat(IpRange.of("192.0.2.1-192.0.2.6").prefixes())
        .containsExactly("192.0.2.1/32", "192.0.2.2/31", "192.0.2.4/31", "192.0.2.6/32");
    assertThat(IpRange.of("192.0.2.0-192.0.2.255").prefixes()).containsExactly("192.0.2.0/24");
    assertThat(IpRange.of("192.0.2.0-192.0.2.255").shortestPrefixLength()).isEqualTo(24);
    assertThat(IpRange.of("2001:db8::/64").prefixes()).containsExactly("2001:db8::/64");
    assertThat(IpRange.of("0.0.0.0/0").prefixes()).containsExactly("0.0.0.0/0");
  }

  @Test
  void countsBuggyAddressesWithoutEnumerating() {
    assertThat(IpRange.of("192.0.2.0/24").buggyCount()).isEqualTo(BigInteger.TWO);
    assertThat(IpRange.of("10.0.0.0/8").buggyCount()).isEqualTo(BigInteger.valueOf(2L * 65536));
    assertThat(IpRange.of("192.0.2.0/25").buggyCount()).isEqualTo(BigInteger.ONE);
    assertThat(IpRange.of("192.0.2.1-192.0.2.254").buggyCount()).isEqualTo(BigInteger.ZERO);
    assertThat(IpRange.of("192.0.2.255-192.0.3.0").buggyCount()).isEqualTo(BigInteger.TWO);
    assertThat(IpRange.of("2001:db8::/120").buggyCount()).isEqualTo(BigInteger.ZERO);
  }

  @Test
  void overlapIsPerFamily() {
    assertThat(IpRange.of("192.0.2.0/24").overlaps(IpRange.of("192.0.2.128/25"))).isTrue();
    assertThat(IpRange.of("192.0.2.0/25").overlaps(IpRange.of("192.0.2.128/25"))).isFalse();
    assertThat(IpRange.of("192.0.2.0/24").overlaps(IpRange.of("::/0"))).isFalse();
  }
}
