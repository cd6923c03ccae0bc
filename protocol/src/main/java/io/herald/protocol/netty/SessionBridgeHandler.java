package io.herald.protocol.netty;

import io.herald.protocol.codec.CodecContext;
import io.herald.protocol.codec.Inbound;
import io.herald.protocol.codec.MessageDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The last inbound handler: decodes each frame with the session's current codec context and hands
 * the result to the session. It keeps no session state and never blocks; the frame buffer is
 * released here, so only fully copied records reach the session.
 */
public final class SessionBridgeHandler extends ChannelInboundHandlerAdapter {

  /** What the session hears from one channel; called on the channel's event loop. */
  public interface Sink {
    /** The codec context to decode with: it changes once OPENs are exchanged (RFC 6793, 8654). */
    CodecContext codecContext();

    void inbound(Inbound inbound);

    void writabilityChanged(boolean writable);

    void closed(Throwable cause);
  }

  private final Sink sink;
  private Throwable failure;

  public SessionBridgeHandler(Sink sink) {
    this.sink = sink;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf frame) {
      try {
        sink.inbound(MessageDecoder.decode(frame, sink.codecContext()));
      } finally {
        frame.release();
      }
    } else if (msg instanceof Inbound.Malformed malformed) {
      sink.inbound(malformed);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    sink.writabilityChanged(ctx.channel().isWritable());
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A socket error (reset, timeout): remember why, then close; the session hears it once.
    failure = cause;
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    sink.closed(failure);
    ctx.fireChannelInactive();
  }
}
