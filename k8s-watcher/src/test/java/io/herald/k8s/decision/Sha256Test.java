package io.herald.k8s.decision;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class Sha256Test {

  @Test
  void matchesTheStandardVectorsAndStartsAfreshEachTime() {
    // FIPS 180-2 appendix B.1, and the empty string
    assertThat(HexFormat.of().formatHex(Sha256.of("abc")))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(HexFormat.of().formatHex(Sha256.of("")))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(Sha256.of("abc")).as("no state left from the call before").isEqualTo(Sha256.of("abc"));
  }

  @Test
  void threadsDoNotShareADigest() throws Exception {
    var pool = Executors.newFixedThreadPool(4);
    try {
      var results = new java.util.ArrayList<Future<Boolean>>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          for (int i = 0; i < 2_000; i++) {
            if (!HexFormat.of().formatHex(Sha256.of("abc")).startsWith("ba7816bf")) return false;
          }
          return true;
        }));
      }
      for (var r : results) assertThat(r.get()).isTrue();
    } finally {
      pool.shutdown();
    }
  }
}
