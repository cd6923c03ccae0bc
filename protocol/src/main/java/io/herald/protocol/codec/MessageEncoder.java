package io.herald.protocol.codec;

import io.herald.protocol.message.BgpMessage;
import io.herald.protocol.message.Notification;
import io.herald.protocol.message.Open;
import io.herald.protocol.message.RouteRefresh;
import io.herald.protocol.message.Update;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * Encodes a {@link BgpMessage} for one session. The session context decides the wire form: on a
 * session without the 4-octet AS capability AS_PATH and AGGREGATOR carry AS_TRANS and AS4_PATH /
 * AS4_AGGREGATOR are added (RFC 6793 §4.2.2). Attribute flags are those RFC 4271 §5 gives each
 * type; the Extended Length bit is set only for values over 255 octets.
 *
 * <p>Our own records are trusted: a message that cannot be encoded (longer than
 * {@link CodecContext#maxLength}, an IPv6 prefix in the IPv4 NLRI field, ...) is a caller bug and
 * throws {@link IllegalArgumentException}, leaving {@code out} as it was.
 */
public final class MessageEncoder {
  private MessageEncoder() {}

  public static byte[] encode(BgpMessage m, CodecContext ctx) {
    ByteBuf out = Unpooled.buffer(64);
    try {
      encode(m, ctx, out);
      return ByteBufUtil.getBytes(out);
    } finally {
      out.release();
    }
  }

  /** Appends the whole message, header included, at {@code out}'s writer index. */
  public static void encode(BgpMessage m, CodecContext ctx, ByteBuf out) {
    int start = out.writerIndex();
    try {
      out.writeLong(-1L);
      out.writeLong(-1L);
      out.writeShort(0);
      out.writeByte(m.type().code());
      switch (m.type()) {
        case OPEN -> OpenCodec.encode((Open) m, out);
        case UPDATE -> UpdateCodec.encode((Update) m, ctx, out);
        case NOTIFICATION -> {
          Notification n = (Notification) m;
          out.writeByte(n.code());
          out.writeByte(n.subcode());
          out.writeBytes(n.data().toByteArray());
        }
        case KEEPALIVE -> { }
        case ROUTE_REFRESH -> {
          RouteRefresh r = (RouteRefresh) m;
          out.writeShort(r.afi());
          out.writeByte(r.subtype());
          out.writeByte(r.safi());
        }
      }
      int length = out.writerIndex() - start;
      if (length > ctx.maxLength(m.type())) {
        throw new IllegalArgumentException(m.type() + " of " + length + " octets exceeds "
            + ctx.maxLength(m.type()));
      }
      out.setShort(start + 16, length);
    } catch (RuntimeException e) {
      out.writerIndex(start);
      throw e;
    }
  }
}
