package io.herald.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.BgpMessage;
import io.herald.protocol.message.MessageType;
import java.util.Arrays;
import java.util.Set;

/**
 * Coverage-guided fuzzing of {@link MessageDecoder} with Jazzer. In a normal test run this
 * replays the seed corpus in {@code MessageDecoderFuzzTestInputs/decodeNeverThrows/} (regression
 * mode); {@code JAZZER_FUZZ=1} fuzzes for real (see docs/fuzzing.md).
 *
 * <p>The first input octet picks the session context, the rest is the frame. A valid length
 * field is patched in half of the time so that the fuzzer gets past the header.
 */
class MessageDecoderFuzzTest {
  private static final CodecContext[] CONTEXTS = {
      new CodecContext(true, false, Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST)),
      new CodecContext(false, false, Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST)),
      new CodecContext(true, true, Set.of(AddressFamily.IPV4_UNICAST)),
      new CodecContext(false, true, Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST)),
  };

  @FuzzTest(maxDuration = "4m")
  void decodeNeverThrows(byte[] input) {
    if (input.length == 0) {
      return;
    }
    CodecContext ctx = CONTEXTS[input[0] & 3];
    byte[] frame = Arrays.copyOfRange(input, 1, input.length);
    if ((input[0] & 4) != 0 && frame.length >= 19 && frame.length <= 0xFFFF) {
      Arrays.fill(frame, 0, 16, (byte) 0xff);
      frame[16] = (byte) (frame.length >>> 8);
      frame[17] = (byte) frame.length;
    }
    long bugsBefore = MessageDecoder.decoderBugCount();
    Inbound result = MessageDecoder.decode(frame, ctx); // must not throw
    assertThat(MessageDecoder.decoderBugCount()).as("decoder bug path taken").isEqualTo(bugsBefore);
    check(result, ctx);
  }

  /** Results are sane: a known code per section, and a decoded message re-encodes and decodes equal. */
  static void check(Inbound result, CodecContext ctx) {
    assertThat(result).isNotNull();
    if (result instanceof Inbound.Malformed m) {
      BgpError e = m.error();
      assertThat(e.action()).isEqualTo(ErrorAction.SESSION_RESET);
      assertThat(e.code().code()).isIn(1, 2, 3, 7);
      assertThat(e.data().length()).isLessThanOrEqualTo(CodecContext.MAX_EXTENDED_MESSAGE_LENGTH);
      return;
    }
    Inbound.Message msg = (Inbound.Message) result;
    for (BgpError issue : msg.issues()) {
      assertThat(issue.code().code()).isEqualTo(3);
      assertThat(issue.action()).isNotEqualTo(ErrorAction.SESSION_RESET);
    }
    BgpMessage m = msg.message();
    if (m.type() == MessageType.UPDATE && !msg.issues().isEmpty()) {
      return; // the record lacks what was discarded; nothing to compare
    }
    byte[] again;
    try {
      again = MessageEncoder.encode(m, ctx);
    } catch (IllegalArgumentException tooLong) {
      // A 2-octet session grows a decoded path by AS4_PATH; it may no longer fit.
      return;
    }
    Inbound second = MessageDecoder.decode(again, ctx);
    assertThat(second).isInstanceOf(Inbound.Message.class);
    assertThat(((Inbound.Message) second).message()).isEqualTo(m);
  }
}
