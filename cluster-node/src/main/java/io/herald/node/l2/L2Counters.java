package io.herald.node.l2;

import io.herald.node.http.MetricsText;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * MetalLB's Layer 2 counters, per IP ({@code internal/layer2/stats.go}): requests received for
 * owned IPs, responses sent, gratuitous packets sent. Written by the reader threads, read by
 * {@code /metrics}.
 */
public final class L2Counters {

  public static final String REQUESTS = "metallb_layer2_requests_received";
  public static final String RESPONSES = "metallb_layer2_responses_sent";
  public static final String GRATUITOUS = "metallb_layer2_gratuitous_sent";

  private record Row(LongAdder requests, LongAdder responses, LongAdder gratuitous) {}

  private final Map<String, Row> rows = new ConcurrentHashMap<>();

  private Row row(String ip) {
    return rows.computeIfAbsent(ip, k -> new Row(new LongAdder(), new LongAdder(), new LongAdder()));
  }

  public void requestReceived(String ip) {
    row(ip).requests().increment();
  }

  public void responseSent(String ip) {
    row(ip).responses().increment();
  }

  public void gratuitousSent(String ip) {
    row(ip).gratuitous().increment();
  }

  public long requests(String ip) {
    Row r = rows.get(ip);
    return r == null ? 0 : r.requests().sum();
  }

  public long responses(String ip) {
    Row r = rows.get(ip);
    return r == null ? 0 : r.responses().sum();
  }

  public long gratuitous(String ip) {
    Row r = rows.get(ip);
    return r == null ? 0 : r.gratuitous().sum();
  }

  /** Adds the three families, with MetalLB's help texts, and one sample per IP seen. */
  public void render(MetricsText t) {
    t.family(REQUESTS, "counter", "Number of layer2 requests received for owned IPs");
    t.family(RESPONSES, "counter", "Number of layer2 responses sent for owned IPs in response to requests");
    t.family(GRATUITOUS, "counter", "Number of gratuitous layer2 packets sent for owned IPs as a result of failovers");
    Map<String, Row> sorted = new TreeMap<>(rows);
    sorted.forEach((ip, r) -> t.sample(REQUESTS, r.requests().sum(), "ip", ip));
    sorted.forEach((ip, r) -> t.sample(RESPONSES, r.responses().sum(), "ip", ip));
    sorted.forEach((ip, r) -> t.sample(GRATUITOUS, r.gratuitous().sum(), "ip", ip));
  }
}
