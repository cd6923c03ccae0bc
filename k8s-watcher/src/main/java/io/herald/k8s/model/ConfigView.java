package io.herald.k8s.model;

import java.util.List;

/** The parts of the configuration the announce decision reads. */
public record ConfigView(
    List<PoolView> pools, List<AdvertisementView> advertisements, List<PeerView> peers) {

  public static final ConfigView EMPTY = new ConfigView(List.of(), List.of(), List.of());

  public ConfigView {
    pools = List.copyOf(pools);
    advertisements = List.copyOf(advertisements);
    peers = List.copyOf(peers);
  }
}
