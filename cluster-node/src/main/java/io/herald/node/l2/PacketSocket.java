package io.herald.node.l2;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * A Linux packet socket ({@code packet(7)}: AF_PACKET, SOCK_RAW) bound to one interface and one
 * EtherType, through JNA. Needs CAP_NET_RAW and nothing else. Receives block at most {@link
 * #RECEIVE_TIMEOUT_MS} so that a reader thread can notice it should stop.
 */
final class PacketSocket implements AutoCloseable {

  /** The libc calls used; errno arrives as {@link LastErrorException}. */
  interface LibC extends Library {
    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, byte[] address, int length) throws LastErrorException;

    int setsockopt(int fd, int level, int name, byte[] value, int length) throws LastErrorException;

    NativeLong recv(int fd, byte[] buf, NativeLong length, int flags) throws LastErrorException;

    NativeLong send(int fd, byte[] buf, NativeLong length, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }

  static final int AF_PACKET = 17;
  static final int SOCK_RAW = 3;
  static final int SOL_SOCKET = 1;
  static final int SO_RCVTIMEO = 20;
  static final int SOL_PACKET = 263;
  static final int PACKET_ADD_MEMBERSHIP = 1;
  static final int PACKET_DROP_MEMBERSHIP = 2;
  static final int PACKET_MR_MULTICAST = 0;
  static final int EAGAIN = 11;
  static final int EINTR = 4;
  static final int RECEIVE_TIMEOUT_MS = 200;
  /** Enough for a jumbo frame; larger frames arrive truncated and fail validation. */
  static final int BUFFER = 9216;

  private static volatile LibC libc;

  private final int fd;
  private final int ifIndex;
  private volatile boolean closed;

  private PacketSocket(int fd, int ifIndex) {
    this.fd = fd;
    this.ifIndex = ifIndex;
  }

  private static LibC libc() {
    LibC l = libc;
    if (l == null) {
      l = Native.load("c", LibC.class);
      libc = l;
    }
    return l;
  }

  /** Opens a socket receiving frames of {@code etherType} that arrive on interface {@code ifIndex}. */
  static PacketSocket open(int ifIndex, int etherType) throws IOException {
    LibC c = libc();
    int fd;
    try {
      fd = c.socket(AF_PACKET, SOCK_RAW, htons(etherType));
    } catch (LastErrorException e) {
      throw new IOException("socket(AF_PACKET): " + describe(e) + " (CAP_NET_RAW is needed)", e);
    }
    try {
      // struct sockaddr_ll: family, protocol (network order), ifindex; the rest stays zero.
      ByteBuffer sll = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
      sll.putShort(0, (short) AF_PACKET);
      sll.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) etherType);
      sll.order(ByteOrder.nativeOrder()).putInt(4, ifIndex);
      c.bind(fd, sll.array(), 20);
      // struct timeval { long tv_sec; long tv_usec; }
      ByteBuffer tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
      tv.putLong(0, 0).putLong(8, RECEIVE_TIMEOUT_MS * 1000L);
      c.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv.array(), 16);
      return new PacketSocket(fd, ifIndex);
    } catch (LastErrorException e) {
      c.close(fd);
      throw new IOException("binding a packet socket to interface " + ifIndex + ": " + describe(e), e);
    }
  }

  /**
   * The next frame into {@code buf}: its length, or empty after the receive timeout. Throws once
   * the socket is closed or on a hard error.
   */
  Optional<Integer> receive(byte[] buf) throws IOException {
    try {
      long n = libc().recv(fd, buf, new NativeLong(buf.length), 0).longValue();
      return Optional.of((int) n);
    } catch (LastErrorException e) {
      if (!closed && (e.getErrorCode() == EAGAIN || e.getErrorCode() == EINTR)) return Optional.empty();
      throw new IOException("recv: " + describe(e), e);
    }
  }

  void send(byte[] frame) throws IOException {
    try {
      libc().send(fd, frame, new NativeLong(frame.length), 0);
    } catch (LastErrorException e) {
      throw new IOException("send: " + describe(e), e);
    }
  }

  /**
   * Joins ({@code join}) or leaves the link-layer multicast group {@code group} (struct
   * packet_mreq), so that a NIC filtering multicast passes solicitations for our IPs up.
   */
  void membership(MacAddress group, boolean join) throws IOException {
    ByteBuffer m = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
    m.putInt(0, ifIndex).putShort(4, (short) PACKET_MR_MULTICAST).putShort(6, (short) 6);
    m.position(8);
    m.put(group.octets());
    try {
      libc().setsockopt(fd, SOL_PACKET, join ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP, m.array(), 16);
    } catch (LastErrorException e) {
      throw new IOException((join ? "joining " : "leaving ") + group + ": " + describe(e), e);
    }
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      libc().close(fd);
    } catch (LastErrorException e) {
      // Already gone: nothing to release.
    }
  }

  /** A 16-bit value in network order, as socket() and sockaddr_ll expect it in a host int. */
  static int htons(int v) {
    return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? v & 0xffff : ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
  }

  private static String describe(LastErrorException e) {
    return "errno " + e.getErrorCode();
  }
}
