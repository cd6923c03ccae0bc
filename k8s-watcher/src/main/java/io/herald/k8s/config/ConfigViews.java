package io.herald.k8s.config;

import io.herald.allocator.config.BgpAdvertisement;
import io.herald.allocator.config.BgpPeer;
import io.herald.allocator.config.HeraldConfig;
import io.herald.allocator.config.L2Advertisement;
import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpRange;
import io.herald.allocator.pool.IpPool;
import io.herald.allocator.pool.LabelSelector;
import io.herald.k8s.model.AddressRange;
import io.herald.k8s.model.AdvertisementView;
import io.herald.k8s.model.AnnounceProtocol;
import io.herald.k8s.model.ConfigView;
import io.herald.k8s.model.PeerView;
import io.herald.k8s.model.PoolView;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The announce decision's {@link ConfigView} of a validated {@link HeraldConfig}: pools, both kinds
 * of advertisement and peers, reduced to what selects them. Lists are sorted by name so that equal
 * configurations give equal views.
 */
public final class ConfigViews {

  private ConfigViews() {}

  public static ConfigView of(HeraldConfig c) {
    List<PoolView> pools = c.pools().pools().stream().map(ConfigViews::pool).toList();
    List<AdvertisementView> ads = new ArrayList<>();
    c.bgpAdvertisements().forEach(a -> ads.add(bgp(a)));
    c.l2Advertisements().forEach(a -> ads.add(layer2(a)));
    // A BGP and an L2 advertisement may share a name: order by protocol within a name.
    ads.sort(Comparator.comparing(AdvertisementView::name).thenComparing(AdvertisementView::protocol));
    List<PeerView> peers = c.peers().stream()
        .map(ConfigViews::peer)
        .sorted(Comparator.comparing(PeerView::name))
        .toList();
    return new ConfigView(pools, ads, peers);
  }

  static PoolView pool(IpPool p) {
    return new PoolView(p.name(), p.labels(), p.ranges().stream().map(ConfigViews::range).toList());
  }

  static AddressRange range(IpRange r) {
    return new AddressRange(r.family().bits(), unsigned(r.first()), unsigned(r.last()));
  }

  private static BigInteger unsigned(IpAddress a) {
    BigInteger hi = new BigInteger(Long.toUnsignedString(a.hi()));
    BigInteger lo = new BigInteger(Long.toUnsignedString(a.lo()));
    return hi.shiftLeft(64).or(lo);
  }

  private static AdvertisementView bgp(BgpAdvertisement a) {
    return new AdvertisementView(a.name(), AnnounceProtocol.BGP, a.ipAddressPools(),
        selectors(a.ipAddressPoolSelectors()), selectors(a.serviceSelectors()), selectors(a.nodeSelectors()),
        a.peers(), List.of());
  }

  private static AdvertisementView layer2(L2Advertisement a) {
    return new AdvertisementView(a.name(), AnnounceProtocol.LAYER2, a.ipAddressPools(),
        selectors(a.ipAddressPoolSelectors()), selectors(a.serviceSelectors()), selectors(a.nodeSelectors()),
        List.of(), a.interfaces(), a.preferredNodeSelectors());
  }

  private static PeerView peer(BgpPeer p) {
    return new PeerView(p.name(), selectors(p.nodeSelectors()));
  }

  /** The allocator's selectors are the model's: one type, one matching rule. */
  static List<LabelSelector> selectors(List<LabelSelector> selectors) {
    return List.copyOf(selectors);
  }
}
