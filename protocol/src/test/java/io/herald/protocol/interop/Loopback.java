package io.herald.protocol.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import io.herald.protocol.types.IpLiterals;

/**
 * Addresses and ports for routers peering on loopback in the root namespace. Every call picks a
 * random 127.x.y.0/24 block and a random port, so tests of parallel builds on one machine do not
 * meet each other's daemons.
 */
public final class Loopback {
  /** Below Linux's ephemeral range (32768-60999), so outgoing connections never take them. */
  static final int PORT_MIN = 11000;
  static final int PORT_MAX = 32000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Loopback() {}

  /** {@code count} distinct addresses 127.a.b.2, 127.a.b.3, ... from a random block. */
  public static List<String> addresses(int count) {
    if (count < 1 || count > 250) {
      throw new IllegalArgumentException("count " + count);
    }
    int a = 100 + RANDOM.nextInt(150);
    int b = RANDOM.nextInt(256);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add("127." + a + "." + b + "." + (2 + i));
    }
    return out;
  }

  /** A port that is free on every one of {@code addresses} right now. */
  public static int freePort(String... addresses) {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = PORT_MIN + RANDOM.nextInt(PORT_MAX - PORT_MIN);
      if (allFree(port, addresses)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port found");
  }

  private static boolean allFree(int port, String... addresses) {
    for (String a : addresses) {
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(IpLiterals.parse(a), port));
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }
}
