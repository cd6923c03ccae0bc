package io.herald.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * Stands in for kube-proxy delivering to a local pod: runs in a node namespace, listens on port 80
 * of every address there (the lab puts the Service IPs this node hosts on {@code lo} as /32s) and
 * answers every request with the node's name.
 */
public final class EchoServer {
  private EchoServer() {}

  /** {@code EchoServer <node name> <port>}. */
  public static void main(String[] args) throws IOException {
    byte[] body = (args[0] + "\n").getBytes(StandardCharsets.UTF_8);
    HttpServer server = HttpServer.create(new InetSocketAddress(Integer.parseInt(args[1])), 256);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().add("Connection", "close");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    System.out.println("echo " + args[0] + " listening on " + server.getAddress());
  }
}
