package io.herald.protocol.session;

import io.herald.protocol.netty.BgpTransport;
import io.netty.channel.Channel;
import io.netty.channel.socket.SocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A listening socket for passive (and collision-capable) sessions: each accepted connection goes
 * to the configured peer with that remote address; connections from anyone else are closed at
 * once (RFC 4271 §8.2.1: only configured peers may open a session).
 */
public final class BgpListener implements AutoCloseable {
  private final Channel server;

  private BgpListener(Channel server) {
    this.server = server;
  }

  /** Binds {@code local} and serves {@code peers}; throws with the OS's reason if binding fails. */
  public static BgpListener bind(BgpTransport transport, InetSocketAddress local, List<BgpPeer> peers) {
    Map<InetAddress, BgpPeer> byAddress = new HashMap<>();
    Map<InetAddress, String> md5 = new HashMap<>();
    for (BgpPeer p : peers) {
      InetAddress a = p.config().peer().getAddress();
      if (byAddress.put(a, p) != null) {
        throw new IllegalArgumentException("two peers with address " + a.getHostAddress());
      }
      p.config().tcp().md5Password().ifPresent(pw -> md5.put(a, pw));
    }
    var future = transport.listen(local, md5, null, ch -> dispatch(byAddress, ch));
    future.syncUninterruptibly();
    if (!future.isSuccess()) {
      throw new IllegalStateException("cannot listen on " + local + ": " + future.cause().getMessage(),
          future.cause());
    }
    return new BgpListener(future.channel());
  }

  private static void dispatch(Map<InetAddress, BgpPeer> byAddress, SocketChannel ch) {
    BgpPeer peer = byAddress.get(ch.remoteAddress().getAddress());
    if (peer == null) {
      ch.close();
      return;
    }
    peer.accept(ch);
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) server.localAddress();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
  }
}
