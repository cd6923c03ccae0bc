package io.herald.protocol.interop;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import io.herald.protocol.types.IpLiterals;

/**
 * A tiny TCP probe run by {@link JavaInNetns} in the self-tests: {@code listen <addr> <port>} accepts
 * one connection and reports the remote address; {@code connect <addr> <port>} reports the local
 * address it connected from. The addresses show which namespace the JVM ran in.
 */
public final class NetnsProbeMain {
  private NetnsProbeMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    PrintStream out = System.out;
    InetSocketAddress target = new InetSocketAddress(IpLiterals.parse(args[1]), Integer.parseInt(args[2]));
    switch (args[0]) {
      case "listen" -> {
        try (ServerSocket server = new ServerSocket()) {
          server.bind(target);
          out.println("listening " + args[1] + ":" + args[2]);
          out.flush();
          try (Socket s = server.accept()) {
            out.println("accepted from " + s.getInetAddress().getHostAddress());
            out.flush();
            // keep the connection until the peer closes it or the harness kills us
            s.getInputStream().read();
          }
        }
      }
      case "connect" -> {
        try (Socket s = new Socket()) {
          s.connect(target, 5000);
          out.println("connected from " + s.getLocalAddress().getHostAddress());
          out.flush();
          Thread.sleep(Long.MAX_VALUE);   // stays up until stopped by PID
        }
      }
      default -> throw new IllegalArgumentException("listen|connect <addr> <port>");
    }
  }
}
