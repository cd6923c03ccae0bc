package io.herald.protocol.netty;

import io.herald.protocol.codec.BgpError;
import io.herald.protocol.codec.CodecContext;
import io.herald.protocol.codec.Inbound;
import io.herald.protocol.message.NotificationCode;
import io.herald.protocol.types.Octets;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the TCP stream into BGP messages and checks the parts of the 19-octet header that framing
 * depends on (RFC 4271 §4.1, §6.1): the marker and a length between 19 and 65535. Per-type length
 * rules, including the 4096-octet limit without the extended message capability (RFC 8654 §4),
 * belong to the message codec. Emits complete frames as retained {@link ByteBuf} slices; after a
 * framing error it emits one {@link Inbound.Malformed} and discards everything until the channel
 * closes, since the stream can no longer be trusted to be in step.
 */
public final class BgpFrameDecoder extends ByteToMessageDecoder {
  static final int HEADER_LENGTH = 19;

  private boolean failed;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (true) {
      if (failed) {
        in.skipBytes(in.readableBytes());
        return;
      }
      if (in.readableBytes() < HEADER_LENGTH) {
        return;
      }
      int start = in.readerIndex();
      if (in.getLong(start) != -1L || in.getLong(start + 8) != -1L) {
        fail(out, BgpError.reset(NotificationCode.CONNECTION_NOT_SYNCHRONIZED, "marker not all ones"));
        continue;
      }
      int length = in.getUnsignedShort(start + 16);
      if (length < HEADER_LENGTH || length > CodecContext.MAX_EXTENDED_MESSAGE_LENGTH) {
        fail(out, BgpError.reset(NotificationCode.BAD_MESSAGE_LENGTH, Octets.ofUnsignedShort(length),
            "message length " + length));
        continue;
      }
      if (in.readableBytes() < length) {
        return;
      }
      out.add(in.readRetainedSlice(length));
    }
  }

  private void fail(List<Object> out, BgpError error) {
    failed = true;
    out.add(new Inbound.Malformed(error));
  }
}
