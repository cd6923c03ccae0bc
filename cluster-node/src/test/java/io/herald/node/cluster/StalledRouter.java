package io.herald.node.cluster;

import io.herald.protocol.attribute.MultiExitDisc;
import io.herald.protocol.codec.CodecContext;
import io.herald.protocol.codec.Inbound;
import io.herald.protocol.codec.MessageDecoder;
import io.herald.protocol.codec.MessageEncoder;
import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Capability;
import io.herald.protocol.message.Keepalive;
import io.herald.protocol.message.MessageType;
import io.herald.protocol.message.Open;
import io.herald.protocol.message.Update;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.Prefix;
import io.herald.protocol.types.RouterId;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A router that stops reading: a plain socket with a small receive buffer that completes the BGP
 * handshake (RFC 4271 §8.2.2, OPEN and KEEPALIVE), keeps the session alive with KEEPALIVEs of its
 * own, and reads nothing more until {@link #resumeReading()}. From then on it keeps an
 * Adj-RIB-In: every prefix with the MULTI_EXIT_DISC it was last announced with.
 */
final class StalledRouter implements AutoCloseable {
  /** The small receive window: the speaker's data piles up in its own buffers, not ours. */
  static final int RECEIVE_BUFFER = 4096;
  private static final int HEADER = 19;
  private static final CodecContext AS4_IPV4 = new CodecContext(true, false, Set.of(AddressFamily.IPV4_UNICAST));

  final Map<Prefix, Long> routes = new ConcurrentHashMap<>();
  /** MULTI_EXIT_DISC / 1,000,000 of every announcement: which generation of routes was sent. */
  final Set<Long> generationsSeen = ConcurrentHashMap.newKeySet();
  private final ServerSocket server;
  private final Asn asn;
  private Socket socket;
  private DataInputStream in;
  private OutputStream out;
  private volatile boolean closed;
  private Thread keepalives;
  private Thread reader;

  StalledRouter(InetAddress listen, Asn asn) throws IOException {
    this.asn = asn;
    server = new ServerSocket();
    // Set before bind: accepted sockets inherit it, and the window is announced in the SYN-ACK.
    server.setReceiveBufferSize(RECEIVE_BUFFER);
    server.bind(new InetSocketAddress(listen, 0));
  }

  int port() {
    return server.getLocalPort();
  }

  /** Accepts the speaker, exchanges OPEN and KEEPALIVE, then stops reading. */
  void acceptAndEstablish() throws IOException {
    server.setSoTimeout(30_000);
    socket = server.accept();
    socket.setSoTimeout(30_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    expect(MessageType.OPEN);
    Open open = Open.of(asn, 9, RouterId.parse("192.0.2.9"),
        List.of(new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST), new Capability.FourOctetAs(asn)));
    send(MessageEncoder.encode(open, CodecContext.INITIAL));
    send(MessageEncoder.encode(Keepalive.INSTANCE, CodecContext.INITIAL));
    expect(MessageType.KEEPALIVE);
    // Writing does not need reading: the hold timer of the speaker (9 s) keeps being reset.
    keepalives = new Thread(() -> {
      try {
        while (!closed) {
          send(MessageEncoder.encode(Keepalive.INSTANCE, AS4_IPV4));
          Thread.sleep(1000);
        }
      } catch (IOException | InterruptedException e) {
        // Closed.
      }
    }, "stalled-router-keepalives");
    keepalives.setDaemon(true);
    keepalives.start();
  }

  /** Reads again, from where it stopped, recording every UPDATE. */
  void resumeReading() {
    reader = new Thread(() -> {
      try {
        socket.setSoTimeout(0);
        while (!closed) {
          byte[] frame = readFrame();
          if (frame[18] == MessageType.UPDATE.code()) {
            if (MessageDecoder.decode(frame, AS4_IPV4) instanceof Inbound.Message m && m.message() instanceof Update u) {
              apply(u);
            }
          }
        }
      } catch (IOException e) {
        // Closed.
      }
    }, "stalled-router-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void apply(Update u) {
    u.withdrawn().forEach(routes::remove);
    u.mpUnreach().ifPresent(m -> m.withdrawn().forEach(routes::remove));
    long med = u.attribute(MultiExitDisc.class).map(MultiExitDisc::value).orElse(-1L);
    if (!u.nlri().isEmpty() || u.mpReach().isPresent()) generationsSeen.add(med / 1_000_000);
    u.nlri().forEach(p -> routes.put(p, med));
    u.mpReach().ifPresent(m -> m.nlri().forEach(p -> routes.put(p, med)));
  }

  private synchronized void send(byte[] message) throws IOException {
    out.write(message);
    out.flush();
  }

  private void expect(MessageType type) throws IOException {
    byte[] frame = readFrame();
    if (frame[18] != type.code()) {
      throw new IOException("expected " + type + ", got message type " + frame[18]);
    }
  }

  private byte[] readFrame() throws IOException {
    byte[] header = new byte[HEADER];
    in.readFully(header);
    int length = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
    byte[] frame = new byte[length];
    System.arraycopy(header, 0, frame, 0, HEADER);
    in.readFully(frame, HEADER, length - HEADER);
    return frame;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    if (socket != null) socket.close();
    server.close();
  }
}
