package io.herald.allocator.pool;

import java.util.Objects;

/** One (protocol, port) a Service exposes; two Services sharing an IP may not overlap on any. */
public record ServicePort(Protocol protocol, int port) {
  public enum Protocol { TCP, UDP, SCTP }

  public ServicePort {
    Objects.requireNonNull(protocol);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port);
    }
  }

  public static ServicePort tcp(int port) {
    return new ServicePort(Protocol.TCP, port);
  }

  public static ServicePort udp(int port) {
    return new ServicePort(Protocol.UDP, port);
  }

  @Override
  public String toString() {
    return protocol + "/" + port;
  }
}
