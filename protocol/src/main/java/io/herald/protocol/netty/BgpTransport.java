package io.herald.protocol.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Netty glue for BGP's TCP connections, on native epoll: TCP_NODELAY, TCP MD5 signatures
 * (RFC 2385, through the kernel's TCP_MD5SIG), source address binding and TTL / hop limit for
 * directly connected and multihop eBGP. It only opens channels; sessions own what flows on them.
 */
public final class BgpTransport implements AutoCloseable {
  // setsockopt levels and names from <netinet/in.h>: IPPROTO_IP/IP_TTL and
  // IPPROTO_IPV6/IPV6_UNICAST_HOPS.
  private static final IntegerUnixChannelOption IP_TTL = new IntegerUnixChannelOption("IP_TTL", 0, 2);
  private static final IntegerUnixChannelOption IPV6_UNICAST_HOPS =
      new IntegerUnixChannelOption("IPV6_UNICAST_HOPS", 41, 16);

  /** Below this many queued outbound bytes a channel is writable again; above the high mark not. */
  private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

  private final IoEventLoopGroup group;

  public BgpTransport() {
    this(1);
  }

  public BgpTransport(int threads) {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("native epoll is not available: " + Epoll.unavailabilityCause());
    }
    this.group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
    // The pooled allocator initialises lazily and slowly (arenas, thread caches); do it now,
    // not on a session's first write.
    io.netty.buffer.ByteBufAllocator.DEFAULT.directBuffer(4096).release();
  }

  /** An event loop for a session: its FSM, timers and channel all run on this one thread. */
  public EventLoop nextEventLoop() {
    return (EventLoop) group.next();
  }

  /**
   * Opens a connection to {@code remote}. {@code init} adds the session's handlers; it runs on
   * the channel's event loop, which is {@code loop}.
   */
  public ChannelFuture connect(EventLoop loop, InetSocketAddress remote, TcpSettings tcp,
      Consumer<SocketChannel> init) {
    Bootstrap b = new Bootstrap()
        .group(loop)
        .channel(EpollSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(EpollChannelOption.TCP_QUICKACK, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
        .handler(initializer(init));
    tcp.md5Password().ifPresent(p -> b.option(EpollChannelOption.TCP_MD5SIG, md5(remote.getAddress(), p)));
    tcp.ttl().ifPresent(ttl -> b.option(ttlOption(remote.getAddress()), ttl));
    if (tcp.sourceAddress().isPresent()) {
      return b.connect(remote, new InetSocketAddress(tcp.sourceAddress().get(), 0));
    }
    return b.connect(remote);
  }

  /**
   * Listens on {@code local}. MD5 keys, when given, are installed on the listening socket for each
   * peer address so the kernel accepts only signed segments from them (RFC 2385 §2). Accepted
   * channels get TCP_NODELAY and the TTL of the peer's address family; {@code onAccept} runs on
   * the accepted channel's event loop.
   */
  public ChannelFuture listen(InetSocketAddress local, Map<InetAddress, String> md5Passwords,
      Integer ttl, Consumer<SocketChannel> onAccept) {
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(EpollServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.SO_BACKLOG, 64)
        .childOption(ChannelOption.TCP_NODELAY, true)
        // Acknowledge at once rather than after the delayed-ACK timer: a peer whose socket
        // still runs Nagle holds its KEEPALIVE back until our ACK, which at session start
        // delays Established by tens of milliseconds.
        .childOption(EpollChannelOption.TCP_QUICKACK, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .childHandler(initializer(onAccept));
    if (!md5Passwords.isEmpty()) {
      Map<InetAddress, byte[]> keys = new java.util.HashMap<>();
      md5Passwords.forEach((a, p) -> keys.put(a, p.getBytes(StandardCharsets.US_ASCII)));
      b.option(EpollChannelOption.TCP_MD5SIG, keys);
    }
    if (ttl != null) {
      b.childOption(ttlOption(local.getAddress()), ttl);
    }
    return b.bind(local);
  }

  private static ChannelInitializer<SocketChannel> initializer(Consumer<SocketChannel> init) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        init.accept(ch);
      }
    };
  }

  private static IntegerUnixChannelOption ttlOption(InetAddress peer) {
    return peer instanceof Inet6Address ? IPV6_UNICAST_HOPS : IP_TTL;
  }

  private static Map<InetAddress, byte[]> md5(InetAddress peer, String password) {
    return Map.of(peer, password.getBytes(StandardCharsets.US_ASCII));
  }

  /** Closes every channel and stops the event loops; waits for them to finish. */
  @Override
  public void close() {
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  public boolean isClosed() {
    return group.isShuttingDown();
  }
}
