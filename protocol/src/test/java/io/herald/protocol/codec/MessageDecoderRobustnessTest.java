package io.herald.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.protocol.message.BgpMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A seeded, mutation-based companion to {@link MessageDecoderFuzzTest} that runs in every build:
 * 150,000 damaged versions of the vectors and of random valid messages. The decoder must never
 * throw, never take its bug path, and give sane results.
 */
class MessageDecoderRobustnessTest {
  private static final int INPUTS = 150_000;

  @Test
  void damagedMessagesNeverEscapeAsExceptions() {
    SplittableRandom r = new SplittableRandom(0xB6B);
    RandomMessages gen = new RandomMessages(99);
    List<byte[]> seeds = new ArrayList<>();
    List<CodecContext> contexts = new ArrayList<>();
    for (Vector v : Vector.loadAll("vectors")) {
      seeds.add(v.bytes());
      contexts.add(v.context());
    }
    for (int i = 0; i < 300; i++) {
      CodecContext ctx = gen.context();
      BgpMessage m = gen.message(ctx);
      seeds.add(MessageEncoder.encode(m, ctx));
      contexts.add(ctx);
    }
    long bugs = MessageDecoder.decoderBugCount();
    int malformed = 0;
    for (int i = 0; i < INPUTS; i++) {
      int k = r.nextInt(seeds.size());
      byte[] frame = mutate(seeds.get(k), r);
      Inbound result = MessageDecoder.decode(frame, contexts.get(k));
      MessageDecoderFuzzTest.check(result, contexts.get(k));
      if (result instanceof Inbound.Malformed) {
        malformed++;
      }
    }
    assertThat(MessageDecoder.decoderBugCount()).isEqualTo(bugs);
    assertThat(malformed).isBetween(INPUTS / 10, INPUTS - INPUTS / 10); // both paths exercised
  }

  /** A few random edits; the header length is fixed up half the time to reach the body. */
  private static byte[] mutate(byte[] seed, SplittableRandom r) {
    byte[] b = seed.clone();
    int edits = 1 + r.nextInt(4);
    for (int e = 0; e < edits; e++) {
      switch (r.nextInt(5)) {
        case 0 -> {
          if (b.length > 0) {
            b[r.nextInt(b.length)] = (byte) r.nextInt(256);
          }
        }
        case 1 -> {
          if (b.length > 0) {
            int i = r.nextInt(b.length);
            b[i] = (byte) (b[i] ^ (1 << r.nextInt(8)));
          }
        }
        case 2 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1));
        case 3 -> {
          int at = r.nextInt(b.length + 1);
          int n = 1 + r.nextInt(8);
          byte[] c = new byte[b.length + n];
          System.arraycopy(b, 0, c, 0, at);
          for (int i = 0; i < n; i++) {
            c[at + i] = (byte) r.nextInt(256);
          }
          System.arraycopy(b, at, c, at + n, b.length - at);
          b = c;
        }
        default -> {
          if (b.length > 19) {
            int at = 19 + r.nextInt(b.length - 19);
            b[at] = (byte) (r.nextBoolean() ? 0 : 0xff);
          }
        }
      }
    }
    if (r.nextBoolean() && b.length >= 18 && b.length <= 0xFFFF) {
      b[16] = (byte) (b.length >>> 8);
      b[17] = (byte) b.length;
    }
    return b;
  }
}
