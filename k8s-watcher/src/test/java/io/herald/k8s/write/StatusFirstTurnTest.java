package io.herald.k8s.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.herald.k8s.model.ServiceKey;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Events and per-node status objects wait for Service status writes, within a bound. */
class StatusFirstTurnTest {

  /** An API that holds every request until released, then answers each with the Service. */
  private static final class HeldApi implements AutoCloseable {
    final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch requested = new CountDownLatch(1);

    HeldApi() throws Exception {
      daemon(() -> {
        while (!socket.isClosed()) {
          try {
            Socket c = socket.accept();
            daemon(() -> serve(c));
          } catch (Exception e) {
            return;
          }
        }
      });
    }

    private void serve(Socket c) {
      try (c) {
        var in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
        OutputStream out = c.getOutputStream();
        while (true) {
          String line = in.readLine();
          if (line == null) return;
          int length = 0;
          while (!(line = in.readLine()).isEmpty()) {
            if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
          }
          for (int i = 0; i < length; i++) in.read();
          requested.countDown();
          release.await();
          byte[] body = "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"}}"
              .getBytes(StandardCharsets.UTF_8);
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
          out.write(body);
          out.flush();
        }
      } catch (Exception e) {
        // closed
      }
    }

    KubernetesClient client() {
      return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + socket.getLocalPort())
          .withNamespace("default").withHttp2Disable(true).withRequestRetryBackoffLimit(0).build()).build();
    }

    @Override
    public void close() throws Exception {
      release.countDown();
      socket.close();
    }
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r);
    t.setDaemon(true);
    t.start();
  }

  private static long millis(Runnable r) {
    long t = System.nanoTime();
    r.run();
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
  }

  @Test
  void aTurnWaitsWhileAStatusWriteIsUnderwayButNoLongerThanItsBound() throws Exception {
    try (HeldApi api = new HeldApi(); KubernetesClient client = api.client();
        ServiceStatusWriter writer = new ServiceStatusWriter(client)) {
      // Nothing written: the turn is there at once (the bound is far away).
      assertThat(millis(writer.firstTurn(Duration.ofSeconds(30))::await)).isLessThan(10_000);

      CompletableFuture<Boolean> write = writer.write(new ServiceKey("default", "web"),
          new ServiceStatusWriter.Assignment(List.of("192.0.2.10"), "public"));
      assertThat(api.requested.await(10, TimeUnit.SECONDS)).isTrue();
      // Held: a turn with a short bound waits the whole bound.
      assertThat(millis(writer.firstTurn(Duration.ofMillis(300))::await)).isGreaterThanOrEqualTo(290);
      assertThat(write).isNotDone();

      // Released: a turn with a long bound returns once the write is done.
      daemon(() -> {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
        api.release.countDown();
      });
      assertThat(millis(writer.firstTurn(Duration.ofSeconds(30))::await)).isLessThan(10_000);
      assertThat(write.get(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
