package io.herald.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lab's client, in the client namespace: sends HTTP requests to the given Service IPs at a
 * steady rate, each on a new TCP connection (so the router's L4 ECMP hash spreads them), and
 * prints one line per answer: {@code ok <ip> <node> <millis since start> <sent> <answered>} or
 * {@code fail <ip> <reason> <millis since start> <sent> <failed>}; at the end
 * {@code done ok=N fail=M}. The rate holds even when requests hang: each runs on its own thread,
 * with a 2 s timeout. {@code <sent>} and the time after it are {@link System#nanoTime()} values:
 * on Linux that is {@code CLOCK_MONOTONIC}, one clock for every process on the machine whatever
 * its network namespace, so the lab can set a request beside the router's FIB changes.
 */
public final class LoadClient {
  private LoadClient() {}

  /** {@code LoadClient <requests per second> <seconds> <ip>...}. */
  public static void main(String[] args) throws Exception {
    System.setProperty("http.keepAlive", "false");
    int rate = Integer.parseInt(args[0]);
    long total = (long) rate * Long.parseLong(args[1]);
    String[] ips = java.util.Arrays.copyOfRange(args, 2, args.length);
    AtomicLong sent = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    ExecutorService workers = Executors.newCachedThreadPool();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    ticker.scheduleAtFixedRate(() -> {
      long n = sent.getAndIncrement();
      if (n >= total) {
        return;
      }
      String ip = ips[(int) (n % ips.length)];
      workers.execute(() -> {
        long sentAt = System.nanoTime();
        String line;
        try {
          line = "ok " + ip + " " + get(ip);
          ok.incrementAndGet();
        } catch (IOException e) {
          line = "fail " + ip + " " + e.getClass().getSimpleName();
          failed.incrementAndGet();
        }
        synchronized (System.out) {
          long now = System.nanoTime();
          System.out.println(line + " " + TimeUnit.NANOSECONDS.toMillis(now - start) + " " + sentAt + " " + now);
          System.out.flush();
        }
      });
    }, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
    while (ok.get() + failed.get() < total) {
      Thread.sleep(50);
    }
    ticker.shutdownNow();
    workers.shutdown();
    System.out.println("done ok=" + ok.get() + " fail=" + failed.get());
    System.out.flush();
  }

  private static String get(String ip) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://" + ip + "/").toURL().openConnection();
    c.setConnectTimeout(2000);
    c.setReadTimeout(2000);
    try (InputStream in = c.getInputStream()) {
      if (c.getResponseCode() != 200) {
        throw new IOException("HTTP " + c.getResponseCode());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } finally {
      c.disconnect();
    }
  }
}
