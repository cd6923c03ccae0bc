package io.herald.allocator.config;

import io.herald.allocator.config.View.Ctx;
import io.herald.allocator.config.View.Dialect;
import io.herald.allocator.config.YamlNode.Mapping;
import io.herald.allocator.config.YamlNode.Scalar;
import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpFamily;
import io.herald.allocator.ip.IpRange;
import io.herald.allocator.pool.IpPool;
import io.herald.allocator.pool.LabelSelector;
import io.herald.allocator.pool.PoolSet;
import io.herald.allocator.pool.ServiceAllocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads and validates MetalLB configuration from any mix of files holding {@code metallb.io}
 * resources (multi-document YAML), a legacy config ({@code peers}, {@code address-pools}, …) or a
 * Helm values file whose {@code configInline} holds a legacy config. Everything read from all
 * files forms one configuration; any error rejects it whole, so the caller keeps its last valid
 * one (metallb-features §1.8). Documents of other API groups are ignored.
 */
public final class ConfigLoader {

  /** A file name (used in messages) and its text. */
  public record Source(String file, String text) {}

  public sealed interface Result permits Result.Valid, Result.Invalid {
    record Valid(HeraldConfig config) implements Result {}

    /** Errors ordered by file and line. */
    record Invalid(List<ConfigError> errors) implements Result {
      public Invalid {
        errors = List.copyOf(errors);
      }
    }
  }

  private static final String GROUP = "metallb.io/";
  private static final Set<String> LEGACY_KEYS = Set.of("peers", "address-pools", "bgp-communities", "bfd-profiles");

  private final List<ConfigError> errors = new ArrayList<>();
  private final List<PoolDecl> pools = new ArrayList<>();
  private final List<PeerDecl> peers = new ArrayList<>();
  private final List<AdvDecl> bgpAdvs = new ArrayList<>();
  private final List<L2Advertisement> l2Advs = new ArrayList<>();
  private final List<CommunityDecl> communityDecls = new ArrayList<>();
  private final List<BfdDecl> bfds = new ArrayList<>();

  private record PoolDecl(IpPool pool, View view, List<Integer> rangeLines, int nameLine) {}

  private record PeerDecl(BgpPeer peer, View view, int nameLine) {}

  /** An advertisement with the raw community strings, resolved once all aliases are known. */
  private record AdvDecl(BgpAdvertisement adv, View view, List<String> communityTexts, List<Integer> communityLines,
      boolean aggregationSet) {}

  private record CommunityDecl(String alias, String value, Ctx ctx, int line, String field) {}

  private record BfdDecl(BfdProfile profile, View view, int nameLine) {}

  /** Line of the name of the object being read, for "duplicate" errors. */
  private int nameLine;

  private ConfigLoader() {}

  public static Result load(String file, String text) {
    return load(List.of(new Source(file, text)));
  }

  public static Result load(List<Source> sources) {
    ConfigLoader l = new ConfigLoader();
    for (Source s : sources) {
      l.readFile(s);
    }
    return l.finish();
  }

  // ---------------------------------------------------------------------------------------------
  // Documents

  private void readFile(Source s) {
    readText(s.file(), s.text(), 0, true);
  }

  private void readText(String file, String text, int lineOffset, boolean allowHelm) {
    YamlReader.Parsed parsed = YamlReader.read(text, lineOffset);
    if (parsed instanceof YamlReader.Parsed.SyntaxError e) {
      errors.add(new ConfigError(file, e.line(), "document", "-", "yaml", e.message()));
      return;
    }
    List<YamlNode> docs = ((YamlReader.Parsed.Documents) parsed).documents();
    for (int i = 0; i < docs.size(); i++) {
      YamlNode doc = docs.get(i);
      if (doc instanceof Scalar sc && sc.kind() == YamlNode.ScalarKind.NULL) {
        continue; // an empty document, e.g. after a trailing ---
      }
      Ctx docCtx = new Ctx(file, "document", String.valueOf(i + 1), Dialect.CRD, errors);
      if (!(doc instanceof Mapping m)) {
        docCtx.error(doc.line(), "-", "expected a mapping, got " + doc.typeName());
        continue;
      }
      if (m.entry("apiVersion").isPresent() || m.entry("kind").isPresent()) {
        readResource(file, m, docCtx);
      } else if (allowHelm && m.entry("configInline").isPresent()) {
        YamlNode inline = m.entry("configInline").get().value();
        if (inline instanceof Mapping im) {
          readLegacy(file, im);
        } else if (inline instanceof Scalar sc && sc.kind() == YamlNode.ScalarKind.STRING) {
          readText(file, sc.text(), sc.line(), false);
        } else {
          docCtx.error(inline.line(), "configInline", "expected a mapping or a string, got " + inline.typeName());
        }
      } else if (m.entries().keySet().stream().anyMatch(LEGACY_KEYS::contains)) {
        readLegacy(file, m);
      } else {
        docCtx.error(m.line(), "-", "not a MetalLB configuration: expected metallb.io resources, a legacy config "
            + "(peers, address-pools, ...) or Helm values with configInline");
      }
    }
  }

  private void readResource(String file, Mapping m, Ctx docCtx) {
    View top = new View(m, docCtx, "");
    String apiVersion = top.string("apiVersion").orElse("");
    String kind = top.string("kind").orElse("");
    if (!apiVersion.startsWith(GROUP)) {
      return; // another API group: not ours to judge
    }
    String version = apiVersion.substring(GROUP.length());
    Optional<View> meta = top.object("metadata");
    Optional<String> name = meta.flatMap(v -> v.string("name"));
    Ctx ctx = new Ctx(file, kind.isEmpty() ? "?" : kind, name.orElse("<unnamed>"), Dialect.CRD, errors);
    if (name.isEmpty() || name.get().isEmpty()) {
      ctx.error(meta.map(v -> v.map.line()).orElse(m.line()), "metadata.name", "missing name");
      return;
    }
    Map<String, String> labels = new LinkedHashMap<>();
    meta.flatMap(v -> v.object("labels")).ifPresent(lv -> lv.map.entries().values()
        .forEach(e -> labels.put(e.key(), e.value() instanceof Scalar s ? s.text() : "")));
    Set<String> versions = kind.equals("BGPPeer") ? Set.of("v1beta1", "v1beta2") : Set.of("v1beta1");
    if (!Set.of("IPAddressPool", "BGPPeer", "BGPAdvertisement", "L2Advertisement", "Community", "BFDProfile")
        .contains(kind)) {
      ctx.error(top.lineOf("kind"), "kind", "unsupported kind \"" + kind + "\"");
      return;
    }
    if (!versions.contains(version)) {
      ctx.error(top.lineOf("apiVersion"), "apiVersion", "unsupported version " + apiVersion + " for " + kind);
      return;
    }
    Mapping specMap = top.entry("spec").map(YamlNode.Entry::value).filter(Mapping.class::isInstance)
        .map(Mapping.class::cast).orElse(new Mapping(Map.of(), List.of(), m.line()));
    if (top.entry("spec").isPresent() && !(top.entry("spec").get().value() instanceof Mapping)) {
      top.error("spec", "expected a mapping, got " + top.entry("spec").get().value().typeName());
      return;
    }
    View spec = new View(specMap, ctx, "spec.");
    nameLine = meta.map(v -> v.lineOf("name")).orElse(m.line());
    switch (kind) {
      case "IPAddressPool" -> readPool(spec, name.get(), labels, true);
      case "BGPPeer" -> readPeer(spec, name.get(), version.equals("v1beta1") ? PeerVersion.V1BETA1 : PeerVersion.V1BETA2);
      case "BGPAdvertisement" -> readBgpAdvertisement(spec, name.get(), List.of());
      case "L2Advertisement" -> readL2Advertisement(spec, name.get(), List.of());
      case "Community" -> {
        spec.checkKnown(Set.of("communities"));
        for (View c : spec.objects("communities")) {
          c.checkKnown(Set.of("name", "value"));
          Optional<String> alias = c.string("name");
          Optional<String> value = c.string("value");
          if (alias.isEmpty() || value.isEmpty()) {
            c.ctx.error(c.map.line(), c.prefix.substring(0, c.prefix.length() - 1), "community needs a name and a value");
            continue;
          }
          communityDecls.add(new CommunityDecl(alias.get(), value.get(), ctx, c.lineOf("value"), c.display("value")));
        }
      }
      default -> readBfd(spec, name.get());
    }
  }

  private void readLegacy(String file, Mapping m) {
    View top = new View(m, new Ctx(file, "config", "-", Dialect.LEGACY, errors), "");
    top.checkKnown(Set.of("peers", "addressPools", "bgpCommunities", "bfdProfiles"));
    List<View> peerViews = top.objects("peers");
    for (int i = 0; i < peerViews.size(); i++) {
      View p = peerViews.get(i);
      String name = "peer" + (i + 1);
      nameLine = p.map.line();
      readPeer(new View(p.map, new Ctx(file, "peer", name, Dialect.LEGACY, errors), ""), name, PeerVersion.LEGACY);
    }
    top.object("bgpCommunities").ifPresent(c -> {
      for (YamlNode.Entry e : c.map.entries().values()) {
        Ctx ctx = new Ctx(file, "bgp-community", e.key(), Dialect.LEGACY, errors);
        if (e.value() instanceof Scalar s) {
          communityDecls.add(new CommunityDecl(e.key(), s.text(), ctx, e.value().line(), "bgp-communities." + e.key()));
        } else {
          ctx.error(e.value().line(), "bgp-communities." + e.key(), "expected a string, got " + e.value().typeName());
        }
      }
    });
    for (View b : top.objects("bfdProfiles")) {
      String name = b.string("name").orElse("");
      View bv = new View(b.map, new Ctx(file, "bfd-profile", name.isEmpty() ? "<unnamed>" : name, Dialect.LEGACY, errors), "");
      nameLine = bv.lineOf("name");
      if (name.isEmpty()) {
        bv.error("name", "missing bfd profile name");
        continue;
      }
      readBfd(bv, name);
    }
    for (View p : top.objects("addressPools")) {
      String name = p.string("name").orElse("");
      Ctx ctx = new Ctx(file, "address-pool", name.isEmpty() ? "<unnamed>" : name, Dialect.LEGACY, errors);
      View pv = new View(p.map, ctx, "");
      nameLine = pv.lineOf("name");
      if (name.isEmpty()) {
        pv.error("name", "missing pool name");
        continue;
      }
      readPool(pv, name, Map.of(), false);
      Optional<String> protocol = pv.string("protocol");
      if (protocol.isEmpty()) {
        pv.error("protocol", "missing protocol: must be bgp or layer2");
      } else if (protocol.get().equals("layer2")) {
        if (pv.entry("bgpAdvertisements").isPresent()) {
          pv.error("bgpAdvertisements", "bgp-advertisements are only allowed for protocol bgp");
        }
        l2Advs.add(new L2Advertisement(name + "-l2", List.of(name), List.of(), List.of(), List.of(), List.of(), List.of()));
      } else if (protocol.get().equals("bgp")) {
        List<View> advs = pv.objects("bgpAdvertisements");
        if (advs.isEmpty()) {
          readBgpAdvertisement(new View(new Mapping(Map.of(), List.of(), p.map.line()), ctx, ""), name + "-bgp", List.of(name));
        }
        for (int i = 0; i < advs.size(); i++) {
          readBgpAdvertisement(advs.get(i), name + "-bgp-" + (i + 1), List.of(name));
        }
      } else {
        pv.error("protocol", "unknown protocol \"" + protocol.get() + "\": must be bgp or layer2");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Objects

  private void readPool(View v, String name, Map<String, String> labels, boolean crd) {
    v.checkKnown(crd ? Set.of("addresses", "autoAssign", "avoidBuggyIPs", "serviceAllocation")
        : Set.of("name", "protocol", "addresses", "autoAssign", "avoidBuggyIPs", "bgpAdvertisements"));
    List<YamlNode> items = v.list("addresses");
    if (items.isEmpty()) {
      v.error("addresses", "pool has no prefixes defined");
      return;
    }
    List<IpRange> ranges = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      YamlNode n = items.get(i);
      String field = v.display("addresses") + "[" + i + "]";
      if (!(n instanceof Scalar s) || s.kind() != YamlNode.ScalarKind.STRING) {
        v.ctx.error(n.line(), field, "expected a string, got " + n.typeName());
        continue;
      }
      IpRange.Parsed p = IpRange.parse(s.text());
      if (p instanceof IpRange.Parsed.Invalid bad) {
        v.ctx.error(n.line(), field, "invalid CIDR \"" + s.text() + "\" in pool \"" + name + "\": " + bad.reason());
      } else {
        ranges.add(((IpRange.Parsed.Ok) p).range());
        lines.add(n.line());
      }
    }
    boolean autoAssign = v.bool("autoAssign", true);
    boolean avoidBuggy = v.bool("avoidBuggyIPs", false);
    Optional<ServiceAllocation> allocation = v.object("serviceAllocation").map(sa -> {
      sa.checkKnown(Set.of("priority", "namespaces", "namespaceSelectors", "serviceSelectors"));
      int priority = sa.integer("priority", Integer.MIN_VALUE, Integer.MAX_VALUE, "priority").orElse(0L).intValue();
      List<String> ns = sa.strings("namespaces");
      return new ServiceAllocation(priority, Set.copyOf(ns), sa.selectors("namespaceSelectors"),
          sa.selectors("serviceSelectors"));
    });
    if (ranges.size() == items.size()) {
      pools.add(new PoolDecl(new IpPool(name, ranges, autoAssign, avoidBuggy, allocation, labels), v, lines, nameLine));
    }
  }

  private enum PeerVersion { V1BETA1, V1BETA2, LEGACY }

  private static final Set<String> PEER_V1BETA1 = Set.of("myASN", "peerASN", "peerAddress", "sourceAddress", "peerPort",
      "holdTime", "keepaliveTime", "routerID", "nodeSelectors", "password", "bfdProfile", "ebgpMultiHop");
  private static final long MAX_ASN = 4294967295L;

  private void readPeer(View v, String name, PeerVersion version) {
    Set<String> known = new LinkedHashSet<>(PEER_V1BETA1);
    if (version == PeerVersion.V1BETA2) {
      known.addAll(Set.of("dynamicASN", "localASN", "interface", "connectTime", "passwordSecret",
          "enableGracefulRestart", "vrf", "disableMP", "dualStackAddressFamily"));
    }
    v.checkKnown(known);
    int errorsBefore = errors.size();
    long myAsn = v.integer("myASN", 0, MAX_ASN, "ASN").orElse(0L);
    long peerAsn = v.integer("peerASN", 0, MAX_ASN, "ASN").orElse(0L);
    Optional<String> dynamicAsn = v.string("dynamicASN");
    if (myAsn == 0 && errors.size() == errorsBefore) {
      v.error("myASN", "missing local ASN");
    }
    if (peerAsn == 0 && dynamicAsn.isEmpty()) {
      v.error("peerASN", "missing peer ASN and dynamicASN");
    } else if (peerAsn != 0 && dynamicAsn.isPresent()) {
      v.error("dynamicASN", "both peer ASN and dynamicASN specified");
    } else if (dynamicAsn.isPresent() && !Set.of("internal", "external").contains(dynamicAsn.get())) {
      v.error("dynamicASN", "invalid dynamicASN " + dynamicAsn.get());
    }
    boolean multiHop = v.bool("ebgpMultiHop", false);
    if (multiHop && peerAsn == myAsn && myAsn != 0) {
      v.error("ebgpMultiHop", "invalid ebgp-multihop parameter set for an ibgp peer");
    }
    Optional<String> addressText = v.string("peerAddress");
    Optional<String> iface = v.string("interface");
    if (addressText.isEmpty() && iface.isEmpty()) {
      v.error("peerAddress", "peer has no Address or Interface specified");
    } else if (addressText.isPresent() && iface.isPresent()) {
      v.error("interface", "peer has both Address and Interface specified");
    }
    Optional<IpAddress> address = address(v, "peerAddress", "invalid BGPPeer address");
    Optional<IpAddress> source = address(v, "sourceAddress", "invalid source IP");
    Optional<IpAddress> routerId = address(v, "routerID", "invalid router ID");
    routerId.filter(r -> !r.isV4()).ifPresent(r -> v.error("routerID", "invalid router ID \"" + r + "\": must be IPv4"));
    long minPort = version == PeerVersion.V1BETA2 ? 1 : 0;
    int port = v.integer("peerPort", minPort, 16384, "peer port").orElse((long) BgpPeer.DEFAULT_PORT).intValue();
    port = port == 0 ? BgpPeer.DEFAULT_PORT : port;

    Optional<Duration> holdSet = duration(v, "holdTime");
    Optional<Duration> keepaliveSet = duration(v, "keepaliveTime");
    Optional<Duration> hold = holdSet;
    Optional<Duration> keepalive = keepaliveSet;
    if (holdSet.isPresent() || keepaliveSet.isPresent()) {
      Duration h = holdSet.orElseGet(() -> keepaliveSet.get().multipliedBy(3));
      Duration k = keepaliveSet.orElseGet(() -> holdSet.get().dividedBy(3));
      long wholeSeconds = h.toSeconds();
      if (hold.isPresent() && wholeSeconds != 0 && wholeSeconds < 3) {
        v.error("holdTime", "invalid hold time \"" + v.string("holdTime").orElse("") + "\": must be 0 or >=3s");
      } else if (keepalive.isPresent() && k.compareTo(h) > 0) {
        v.error("keepaliveTime", "invalid keepaliveTime \"" + v.string("keepaliveTime").orElse("")
            + "\", must be lower than holdTime \"" + v.string("holdTime").orElse(h.toSeconds() + "s") + "\"");
      }
      hold = Optional.of(h);
      keepalive = Optional.of(k);
    }
    Optional<Duration> connect = duration(v, "connectTime");
    connect.ifPresent(c -> {
      if (c.toNanos() % 1_000_000_000L != 0 || c.toSeconds() < 1 || c.toSeconds() > 65535) {
        v.error("connectTime", "invalid connectTime \"" + v.string("connectTime").orElse("")
            + "\": must be whole seconds between 1s and 65535s");
      }
    });
    Optional<String> password = v.string("password");
    Optional<String> secret = v.object("passwordSecret").flatMap(s -> {
      s.checkKnown(Set.of("name", "namespace"));
      return s.string("name");
    });
    if (password.isPresent() && secret.isPresent()) {
      v.error("passwordSecret", "can not have both password and secret ref set in peer config \"" + name + "\"");
    }
    if (password.filter(p -> p.contains("\n") || p.contains("\r")).isPresent()) {
      v.error("password", "password for peer \"" + name + "\" contains invalid characters");
    }
    OptionalLong localAsn = v.integer("localASN", 1, MAX_ASN, "local ASN").map(OptionalLong::of).orElse(OptionalLong.empty());
    BgpPeer peer = new BgpPeer(name, myAsn, peerAsn, dynamicAsn, address, iface, source, port, hold, keepalive, connect,
        routerId, v.selectors("nodeSelectors"), password, secret, v.string("bfdProfile"), multiHop, v.string("vrf"),
        v.bool("enableGracefulRestart", false), v.bool("disableMP", false), v.bool("dualStackAddressFamily", false),
        localAsn);
    peers.add(new PeerDecl(peer, v, nameLine));
  }

  private static Optional<IpAddress> address(View v, String field, String what) {
    Optional<String> text = v.string(field);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<IpAddress> ip = IpAddress.parse(text.get());
    if (ip.isEmpty()) {
      v.error(field, what + " \"" + text.get() + "\"");
    }
    return ip;
  }

  private static Optional<Duration> duration(View v, String field) {
    Optional<String> text = v.string(field);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<Duration> d = GoDuration.parse(text.get());
    if (d.isEmpty()) {
      v.error(field, "invalid duration \"" + text.get() + "\"");
    }
    return d;
  }

  private void readBfd(View v, String name) {
    v.checkKnown(Set.of("name", "receiveInterval", "transmitInterval", "detectMultiplier", "echoInterval", "echoMode",
        "passiveMode", "minimumTtl"));
    BfdProfile p = new BfdProfile(name,
        bfdInt(v, "receiveInterval", 10, 60000, "receive interval"),
        bfdInt(v, "transmitInterval", 10, 60000, "transmit interval"),
        bfdInt(v, "detectMultiplier", 2, 255, "detect multiplier"),
        bfdInt(v, "echoInterval", 10, 60000, "echo interval"),
        v.bool("echoMode", false), v.bool("passiveMode", false),
        bfdInt(v, "minimumTtl", 1, 254, "minimum ttl"));
    bfds.add(new BfdDecl(p, v, nameLine));
  }

  private static OptionalInt bfdInt(View v, String field, int min, int max, String what) {
    Optional<Long> raw = v.integer(field, Long.MIN_VALUE, Long.MAX_VALUE, what);
    if (raw.isEmpty()) {
      return OptionalInt.empty();
    }
    if (raw.get() < min || raw.get() > max) {
      v.error(field, "invalid " + what + " value: invalid value " + raw.get() + ", must be in " + min + "-" + max
          + " range");
      return OptionalInt.empty();
    }
    return OptionalInt.of(raw.get().intValue());
  }

  private void readBgpAdvertisement(View v, String name, List<String> impliedPools) {
    boolean legacy = !impliedPools.isEmpty();
    v.checkKnown(legacy ? Set.of("aggregationLength", "aggregationLengthV6", "localPref", "communities")
        : Set.of("aggregationLength", "aggregationLengthV6", "localPref", "communities", "ipAddressPools",
            "ipAddressPoolSelectors", "nodeSelectors", "peers", "serviceSelectors"));
    int agg = aggregation(v, "aggregationLength", 32, "IPv4");
    int agg6 = aggregation(v, "aggregationLengthV6", 128, "IPv6");
    long localPref = v.integer("localPref", 0, MAX_ASN, "local preference").orElse(0L);
    List<String> communities = v.strings("communities");
    List<Integer> communityLines = new ArrayList<>();
    List<YamlNode> items = v.list("communities");
    for (String c : communities) {
      communityLines.add(items.stream().filter(n -> n instanceof Scalar s && s.text().equals(c)).findFirst()
          .map(YamlNode::line).orElse(v.map.line()));
    }
    List<LabelSelector> serviceSelectors = v.selectors("serviceSelectors");
    if (!serviceSelectors.isEmpty()) {
      if (agg != 32) {
        v.error("aggregationLength", "serviceSelectors and aggregationLength are mutually exclusive, both cannot be set in "
            + name);
      }
      if (agg6 != 128) {
        v.error("aggregationLengthV6", "serviceSelectors and aggregationLengthV6 are mutually exclusive, both cannot be "
            + "set in " + name);
      }
    }
    List<String> poolNames = legacy ? impliedPools : v.strings("ipAddressPools");
    BgpAdvertisement adv = new BgpAdvertisement(name, agg, agg6, localPref, List.of(), poolNames,
        v.selectors("ipAddressPoolSelectors"), v.selectors("nodeSelectors"), v.strings("peers"), serviceSelectors);
    bgpAdvs.add(new AdvDecl(adv, v, communities, communityLines, v.entry("aggregationLength").isPresent()));
  }

  private static int aggregation(View v, String field, int dflt, String family) {
    Optional<Long> raw = v.integer(field, Long.MIN_VALUE, Long.MAX_VALUE, "aggregation length");
    if (raw.isEmpty()) {
      return dflt;
    }
    if (raw.get() > dflt) {
      v.error(field, "invalid aggregation length " + raw.get() + " for " + family);
      return dflt;
    }
    if (raw.get() < 1) {
      v.error(field, "invalid aggregation length " + raw.get() + ": must be at least 1");
      return dflt;
    }
    return raw.get().intValue();
  }

  private void readL2Advertisement(View v, String name, List<String> impliedPools) {
    v.checkKnown(Set.of("ipAddressPools", "ipAddressPoolSelectors", "nodeSelectors", "interfaces", "serviceSelectors",
        "preferredNodeSelectors"));
    l2Advs.add(new L2Advertisement(name, v.strings("ipAddressPools"), v.selectors("ipAddressPoolSelectors"),
        v.selectors("nodeSelectors"), v.strings("interfaces"), v.selectors("serviceSelectors"),
        preferredNodeSelectors(v)));
  }

  /**
   * {@code []{weight, preference}}: both are required, as in MetalLB's CRD; an entry with a
   * missing or out-of-range weight is reported and left out.
   */
  private static List<PreferredNodeSelector> preferredNodeSelectors(View v) {
    List<PreferredNodeSelector> out = new ArrayList<>();
    for (View p : v.objects("preferredNodeSelectors")) {
      p.checkKnown(Set.of("weight", "preference"));
      Optional<Long> weight = p.integer("weight", PreferredNodeSelector.MIN_WEIGHT, PreferredNodeSelector.MAX_WEIGHT,
          "weight");
      Optional<View> preference = p.object("preference");
      if (p.entry("weight").isEmpty()) p.error("weight", "Required value");
      if (p.entry("preference").isEmpty()) p.error("preference", "Required value");
      if (weight.isPresent() && preference.isPresent()) {
        out.add(new PreferredNodeSelector(weight.get().intValue(), preference.get().selector()));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Rules across objects

  private Result finish() {
    // BFD profiles: unique names.
    Map<String, BfdProfile> bfdByName = new LinkedHashMap<>();
    for (BfdDecl b : bfds) {
      if (bfdByName.putIfAbsent(b.profile().name(), b.profile()) != null) {
        b.view().ctx.error(b.nameLine(), b.view().prefix.isEmpty() ? "name" : "metadata.name",
            "found duplicate bfd profile name " + b.profile().name());
      }
    }
    // Community aliases: valid values, unique names.
    Map<String, Community> aliases = new LinkedHashMap<>();
    for (CommunityDecl c : communityDecls) {
      Community.Parsed p = Community.parse(c.value());
      if (p instanceof Community.Ok ok) {
        if (aliases.putIfAbsent(c.alias(), ok.community()) != null) {
          c.ctx().error(c.line(), c.field(), "duplicate definition of community \"" + c.alias() + "\"");
        }
      } else {
        c.ctx().error(c.line(), c.field(), "parsing community \"" + c.alias() + "\": " + problem(p));
      }
    }
    // Pools: unique names, no overlap anywhere.
    Map<String, PoolDecl> poolByName = new LinkedHashMap<>();
    record Placed(IpRange range, String pool) {}
    List<Placed> placed = new ArrayList<>();
    for (PoolDecl d : pools) {
      View v = d.view();
      if (poolByName.putIfAbsent(d.pool().name(), d) != null) {
        v.ctx.error(d.nameLine(), v.prefix.isEmpty() ? "name" : "metadata.name",
            "duplicate definition of pool \"" + d.pool().name() + "\"");
        continue;
      }
      for (int i = 0; i < d.pool().ranges().size(); i++) {
        IpRange r = d.pool().ranges().get(i);
        for (Placed other : placed) {
          if (other.range().overlaps(r)) {
            v.ctx.error(d.rangeLines().get(i), v.display("addresses") + "[" + i + "]", "CIDR \"" + r + "\" in pool \""
                + d.pool().name() + "\" overlaps with already defined CIDR \"" + other.range() + "\"");
            break;
          }
        }
        placed.add(new Placed(r, d.pool().name()));
      }
    }
    // Peers: unique names, known BFD profiles, no two identical sessions.
    Map<String, BgpPeer> peerByName = new LinkedHashMap<>();
    for (PeerDecl d : peers) {
      BgpPeer p = d.peer();
      View v = d.view();
      if (peerByName.containsKey(p.name())) {
        v.ctx.error(d.nameLine(), "metadata.name", "duplicate definition of peer \"" + p.name() + "\"");
        continue;
      }
      p.bfdProfile().filter(b -> !bfdByName.containsKey(b)).ifPresent(b ->
          v.error("bfdProfile", "peer " + p.name() + " referencing non existing bfd profile " + b));
      for (BgpPeer other : peerByName.values()) {
        if (sameSession(p, other)) {
          v.ctx.error(d.nameLine(), v.prefix.isEmpty() ? "-" : "metadata.name",
              "peer " + p.name() + " already exists as " + other.name());
        }
      }
      peerByName.put(p.name(), p);
    }
    // Advertisements: communities resolve, aggregation fits every pool, local preferences agree.
    List<BgpAdvertisement> resolved = new ArrayList<>();
    for (AdvDecl d : bgpAdvs) {
      List<Community> cs = new ArrayList<>();
      for (int i = 0; i < d.communityTexts().size(); i++) {
        String text = d.communityTexts().get(i);
        Community alias = aliases.get(text);
        if (alias != null) {
          cs.add(alias);
          continue;
        }
        Community.Parsed p = Community.parse(text);
        if (p instanceof Community.Ok ok) {
          cs.add(ok.community());
        } else {
          String why = p instanceof Community.BadFormat && !text.contains(":")
              ? "unknown community alias \"" + text + "\"" : problem(p);
          d.view().ctx.error(d.communityLines().get(i), d.view().display("communities") + "[" + i + "]",
              "invalid community \"" + text + "\" in BGP advertisement: " + why);
        }
      }
      BgpAdvertisement a = d.adv();
      resolved.add(new BgpAdvertisement(a.name(), a.aggregationLength(), a.aggregationLengthV6(), a.localPref(), cs,
          a.ipAddressPools(), a.ipAddressPoolSelectors(), a.nodeSelectors(), a.peers(), a.serviceSelectors()));
    }
    for (PoolDecl pd : poolByName.values()) {
      IpPool pool = pd.pool();
      List<Integer> onPool = new ArrayList<>();
      for (int i = 0; i < bgpAdvs.size(); i++) {
        BgpAdvertisement a = resolved.get(i);
        if (!a.appliesTo(pool)) {
          continue;
        }
        View av = bgpAdvs.get(i).view();
        for (IpRange r : pool.ranges()) {
          boolean v4 = r.family() == IpFamily.IPV4;
          int len = v4 ? a.aggregationLength() : a.aggregationLengthV6();
          int lowest = r.shortestPrefixLength();
          if (len < lowest) {
            av.error(v4 ? "aggregationLength" : "aggregationLengthV6", "invalid aggregation length " + len + ": prefix "
                + lowest + " in this pool is more specific than the aggregation length for addresses " + r);
          }
        }
        if (!a.serviceSelectors().isEmpty()) {
          continue;
        }
        for (int j : onPool) {
          BgpAdvertisement b = resolved.get(j);
          if (a.localPref() != b.localPref() && !aggregationDiffers(a, b, pool) && peersOverlap(a, b)) {
            av.error("localPref", "invalid local preference " + a.localPref() + ": local preference " + b.localPref()
                + " was already set for the same type of BGP update. Check existing BGP advertisements with common "
                + "pools and aggregation lengths");
          }
        }
        onPool.add(i);
      }
    }

    if (!errors.isEmpty()) {
      List<ConfigError> sorted = new ArrayList<>(errors);
      sorted.sort(Comparator.comparing(ConfigError::file).thenComparingInt(ConfigError::line));
      return new Result.Invalid(sorted);
    }
    PoolSet poolSet = new PoolSet(poolByName.values().stream().map(PoolDecl::pool).toList());
    return new Result.Valid(new HeraldConfig(poolSet, List.copyOf(peerByName.values()), resolved, l2Advs, aliases,
        List.copyOf(bfdByName.values())));
  }

  private static String problem(Community.Parsed p) {
    if (p instanceof Community.BadFormat f) {
      return f.message();
    }
    return ((Community.BadValue) p).message();
  }

  /** Two peers that would open the same session: equal in everything but the name. */
  private static boolean sameSession(BgpPeer a, BgpPeer b) {
    return a.myAsn() == b.myAsn() && a.peerAsn() == b.peerAsn() && a.peerAddress().equals(b.peerAddress())
        && a.iface().equals(b.iface()) && a.peerPort() == b.peerPort() && a.vrf().equals(b.vrf())
        && a.nodeSelectors().equals(b.nodeSelectors()) && a.dynamicAsn().equals(b.dynamicAsn())
        && a.sourceAddress().equals(b.sourceAddress());
  }

  /** Advertisements with different aggregation lengths for every family the pool has never collide. */
  private static boolean aggregationDiffers(BgpAdvertisement a, BgpAdvertisement b, IpPool pool) {
    boolean v4 = pool.hasFamily(IpFamily.IPV4);
    boolean v6 = pool.hasFamily(IpFamily.IPV6);
    boolean d4 = a.aggregationLength() != b.aggregationLength();
    boolean d6 = a.aggregationLengthV6() != b.aggregationLengthV6();
    return (v4 ? d4 : true) && (v6 ? d6 : true);
  }

  private static boolean peersOverlap(BgpAdvertisement a, BgpAdvertisement b) {
    return a.peers().isEmpty() || b.peers().isEmpty() || a.peers().stream().anyMatch(b.peers()::contains);
  }
}
