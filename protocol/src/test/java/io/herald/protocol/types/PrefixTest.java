package io.herald.protocol.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrefixTest {
  @Test
  void parsesCanonicalFormsAndRejectsHostBits() {
    assertThat(Prefix.parse("192.0.2.10/32").toString()).isEqualTo("192.0.2.10/32");
    assertThat(Prefix.parse("2001:DB8:0:0::/64").toString()).isEqualTo("2001:db8::/64");
    assertThat(Prefix.parse("198.51.100.7")).isEqualTo(Prefix.parse("198.51.100.7/32"));
    assertThatThrownBy(() -> Prefix.parse("192.0.2.1/24")).hasMessageContaining("host bits");
    assertThatThrownBy(() -> Prefix.parse("192.0.2.0/33")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> Prefix.parse("example.com/32")).hasMessageContaining("not an IPv4 address");
  }

  @Test
  void wireFormClearsTrailingBits() {
    Prefix p = Prefix.fromWire(false, 24, new byte[] {(byte) 192, 0, 2, (byte) 0xff});
    assertThat(p).isEqualTo(Prefix.parse("192.0.2.0/24"));
    assertThat(p.significantOctets()).isEqualTo(3);
  }

  @Test
  void consecutiveHostRoutesHashApart() {
    // Pools hand out runs of consecutive /32s; their hashes must not pile up (they did with
    // Arrays.hashCode: 100k consecutive /32s gave about 9k distinct values).
    Set<Integer> hashes = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      hashes.add(Prefix.host(IpLiterals.ipv4(0x64400000 + i)).hashCode());
    }
    assertThat(hashes.size()).isGreaterThan(99_900);
  }

  @Test
  void ordersByFamilyThenAddressThenLength() {
    assertThat(Prefix.parse("10.0.0.0/8")).isLessThan(Prefix.parse("10.0.0.0/16"));
    assertThat(Prefix.parse("10.0.0.0/16")).isLessThan(Prefix.parse("192.0.2.0/24"));
    assertThat(Prefix.parse("255.0.0.0/8")).isLessThan(Prefix.parse("::/0"));
  }
}
