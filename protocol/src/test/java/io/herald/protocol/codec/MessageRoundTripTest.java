package io.herald.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.protocol.attribute.Communities;
import io.herald.protocol.attribute.Community;
import io.herald.protocol.message.BgpMessage;
import io.herald.protocol.message.MessageType;
import io.herald.protocol.message.Notification;
import io.herald.protocol.message.Update;
import io.herald.protocol.types.Octets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** decode(encode(m)) == m for seeded random valid messages, on 2-octet and 4-octet sessions. */
class MessageRoundTripTest {
  private static final int ITERATIONS = 3_000;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 42L, 4_200_000_000L, 0x5eed_b6_9L})
  void everyValidMessageSurvivesEncodeThenDecode(long seed) {
    RandomMessages gen = new RandomMessages(seed);
    for (int i = 0; i < ITERATIONS; i++) {
      CodecContext ctx = gen.context();
      BgpMessage m = gen.message(ctx);
      byte[] wire = MessageEncoder.encode(m, ctx);
      assertThat(wire.length).isLessThanOrEqualTo(ctx.maxLength(m.type()));
      assertThat(wire[16] << 8 & 0xff00 | wire[17] & 0xff).isEqualTo(wire.length);
      Inbound back = MessageDecoder.decode(wire, ctx);
      assertThat(back).as("seed %d iteration %d", seed, i).isEqualTo(Inbound.Message.clean(m));
    }
  }

  @Test
  void byteBufEntryPointsMatchTheArrayOnes() {
    RandomMessages gen = new RandomMessages(7);
    ByteBuf buf = Unpooled.buffer();
    try {
      for (int i = 0; i < 500; i++) {
        CodecContext ctx = gen.context();
        BgpMessage m = gen.message(ctx);
        buf.clear();
        buf.writeByte(0x55); // something before the frame: the encoder appends
        buf.readerIndex(1);
        MessageEncoder.encode(m, ctx, buf);
        byte[] array = MessageEncoder.encode(m, ctx);
        assertThat(buf.readableBytes()).isEqualTo(array.length);
        assertThat(MessageDecoder.decode(buf, ctx)).isEqualTo(MessageDecoder.decode(array, ctx));
        assertThat(buf.readerIndex()).isEqualTo(1); // decoding leaves the buffer alone
      }
    } finally {
      buf.release();
    }
  }

  @Test
  void encoderRefusesAMessageLongerThanTheSessionAllowsAndLeavesTheBufferUnchanged() {
    List<Community> many = new ArrayList<>();
    for (int i = 0; i < 1100; i++) { // 4400 octets of communities
      many.add(new Community(i));
    }
    Update big = new Update(List.of(), List.of(new Communities(many)), List.of());
    CodecContext small = CodecContext.INITIAL;
    ByteBuf out = Unpooled.buffer();
    try {
      out.writeByte(1);
      assertThatThrownBy(() -> MessageEncoder.encode(big, small, out))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(out.writerIndex()).isEqualTo(1);
    } finally {
      out.release();
    }
    CodecContext extended = new CodecContext(true, true, small.families());
    byte[] wire = MessageEncoder.encode(big, extended);
    assertThat(wire.length).isGreaterThan(CodecContext.MAX_MESSAGE_LENGTH);
    assertThat(MessageDecoder.decode(wire, extended)).isEqualTo(Inbound.Message.clean(big));
    // The same frame without RFC 8654 is a bad length (1/2), the data being the Length field.
    Inbound.Malformed m = (Inbound.Malformed) MessageDecoder.decode(wire, small);
    assertThat(m.error().code().code()).isEqualTo(1);
    assertThat(m.error().code().subcode()).isEqualTo(2);
    assertThat(m.error().data()).isEqualTo(Octets.ofUnsignedShort(wire.length));
  }

  @Test
  void notificationOfAnyCodeKeepsItsData() {
    Notification n = new Notification(200, 17, Octets.of(1, 2, 3));
    byte[] wire = MessageEncoder.encode(n, CodecContext.INITIAL);
    assertThat(wire).hasSize(19 + 2 + 3);
    assertThat(wire[18]).isEqualTo((byte) MessageType.NOTIFICATION.code());
    assertThat(MessageDecoder.decode(wire, CodecContext.INITIAL)).isEqualTo(Inbound.Message.clean(n));
  }

  /** Regression for a fuzzing finding: a 2-octet aggregator AS made the receiver drop AS4_PATH. */
  @Test
  void aTwoOctetAggregatorBesideAs4PathTravelsAsAsTrans() {
    CodecContext as2 = new CodecContext(false, false, CodecContext.INITIAL.families());
    Update u = new Update(List.of(), List.of(io.herald.protocol.attribute.Origin.IGP,
        io.herald.protocol.attribute.AsPath.sequence(io.herald.protocol.types.Asn.of(4_200_000_000L)),
        new io.herald.protocol.attribute.NextHop(io.herald.protocol.types.IpLiterals.parseIpv4("192.0.2.1")),
        new io.herald.protocol.attribute.Aggregator(io.herald.protocol.types.Asn.of(0),
            io.herald.protocol.types.IpLiterals.parseIpv4("192.0.2.9"))),
        List.of(io.herald.protocol.types.Prefix.parse("198.51.100.0/24")));
    byte[] wire = MessageEncoder.encode(u, as2);
    String hex = java.util.HexFormat.of().formatHex(wire);
    assertThat(hex).contains("c007065ba0c0000209"); // AGGREGATOR AS_TRANS 192.0.2.9
    assertThat(hex).contains("c0120800000000c0000209"); // AS4_AGGREGATOR 0 192.0.2.9
    assertThat(MessageDecoder.decode(wire, as2)).isEqualTo(Inbound.Message.clean(u));
  }
}
