package io.herald.k8s.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the announce decision needs of an IPAddressPool: its name and labels (for advertisements'
 * {@code ipAddressPools} and {@code ipAddressPoolSelectors}) and its address ranges (to find the
 * pool of a Service IP, as MetalLB's speaker does).
 */
public record PoolView(String name, Map<String, String> labels, List<AddressRange> ranges) {

  public PoolView {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
    ranges = List.copyOf(ranges);
  }

  public boolean contains(String ip) {
    return ranges.stream().anyMatch(r -> r.contains(ip));
  }
}
