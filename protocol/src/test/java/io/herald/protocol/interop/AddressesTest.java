package io.herald.protocol.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.herald.protocol.types.IpLiterals;

class AddressesTest {
  @Test
  void rfc5952Forms() {
    assertThat(Addresses.canonical("2001:DB8:0:0:0:0:0:1")).isEqualTo("2001:db8::1");
    assertThat(Addresses.canonical("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");   // §4.2.3: first run
    assertThat(Addresses.canonical("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1"); // §4.2.2: no "::" for one
    assertThat(Addresses.canonical("::")).isEqualTo("::");
    assertThat(Addresses.canonical("fe80::0001")).isEqualTo("fe80::1");
    assertThat(Addresses.canonical("192.0.2.1")).isEqualTo("192.0.2.1");
    assertThat(Addresses.canonicalPrefix("2001:db8:ffff:0::/48")).isEqualTo("2001:db8:ffff::/48");
  }

  /** Seeded random addresses: the canonical text parses back to the same 16 octets. */
  @Test
  void canonicalTextRoundTrips() throws Exception {
    Random random = new Random(4271L);
    for (int i = 0; i < 2000; i++) {
      byte[] b = new byte[16];
      for (int g = 0; g < 8; g++) {
        int v = random.nextInt(3) == 0 ? 0 : random.nextInt(0x10000);   // many zero groups
        b[2 * g] = (byte) (v >> 8);
        b[2 * g + 1] = (byte) v;
      }
      String text = IpLiterals.format(InetAddress.getByAddress(b));
      assertThat(IpLiterals.parseIpv6(text).getAddress()).as(text).isEqualTo(InetAddress.getByAddress(b).getAddress());
      assertThat(text).doesNotContain(":::").doesNotContainPattern("::.*::");
    }
  }
}
