package io.herald.allocator.config;

import io.herald.allocator.config.YamlNode.Mapping;
import io.herald.allocator.config.YamlNode.Scalar;
import io.herald.allocator.config.YamlNode.ScalarKind;
import io.herald.allocator.config.YamlNode.Sequence;
import io.herald.allocator.pool.LabelSelector;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed, error-reporting access to one YAML mapping of a configuration object. Fields are asked
 * for by their {@code metallb.io} (camelCase) name; the {@link Dialect} maps that to the key the
 * file uses, so the legacy format and the resources share one set of rules. Every problem is
 * reported with the file, line, object and the field as the user wrote it.
 */
final class View {

  /** How field names are spelled: as in the resources, or the legacy ConfigMap's kebab-case. */
  enum Dialect {
    CRD,
    LEGACY;

    private static final Map<String, String> LEGACY_NAMES = Map.ofEntries(
        Map.entry("myASN", "my-asn"), Map.entry("peerASN", "peer-asn"), Map.entry("routerID", "router-id"),
        Map.entry("ebgpMultiHop", "ebgp-multihop"), Map.entry("localPref", "localpref"),
        Map.entry("avoidBuggyIPs", "avoid-buggy-ips"), Map.entry("aggregationLengthV6", "aggregation-length-v6"));

    String key(String canonical) {
      if (this == CRD) {
        return canonical;
      }
      String fixed = LEGACY_NAMES.get(canonical);
      if (fixed != null) {
        return fixed;
      }
      StringBuilder sb = new StringBuilder();
      for (char c : canonical.toCharArray()) {
        if (Character.isUpperCase(c)) {
          sb.append('-').append(Character.toLowerCase(c));
        } else {
          sb.append(c);
        }
      }
      return sb.toString();
    }
  }

  /** Which object errors are about, and where they go. */
  record Ctx(String file, String kind, String name, Dialect dialect, List<ConfigError> sink) {
    void error(int line, String field, String message) {
      sink.add(new ConfigError(file, line, kind, name, field, message));
    }

    Ctx named(String newName) {
      return new Ctx(file, kind, newName, dialect, sink);
    }
  }

  final Mapping map;
  final Ctx ctx;
  final String prefix;

  View(Mapping map, Ctx ctx, String prefix) {
    this.map = map;
    this.ctx = ctx;
    this.prefix = prefix;
  }

  String display(String canonical) {
    return prefix + ctx.dialect().key(canonical);
  }

  Optional<YamlNode.Entry> entry(String canonical) {
    return map.entry(ctx.dialect().key(canonical)).filter(e -> !isNull(e.value()));
  }

  private static boolean isNull(YamlNode n) {
    return n instanceof Scalar s && s.kind() == ScalarKind.NULL;
  }

  int lineOf(String canonical) {
    return entry(canonical).map(e -> e.value().line()).orElse(map.line());
  }

  void error(String canonical, String message) {
    ctx.error(lineOf(canonical), display(canonical), message);
  }

  /** Reports keys outside {@code known} (canonical names) and repeated keys. */
  void checkKnown(Set<String> known) {
    Set<String> keys = new HashSet<>();
    for (String k : known) {
      keys.add(ctx.dialect().key(k));
    }
    for (YamlNode.Entry e : map.entries().values()) {
      if (!keys.contains(e.key())) {
        ctx.error(e.keyLine(), prefix + e.key(), "unknown field");
      }
    }
    for (YamlNode.Entry e : map.duplicates()) {
      ctx.error(e.keyLine(), prefix + e.key(), "duplicate key");
    }
  }

  Optional<String> string(String c) {
    Optional<YamlNode.Entry> e = entry(c);
    if (e.isEmpty()) {
      return Optional.empty();
    }
    if (e.get().value() instanceof Scalar s) {
      return Optional.of(s.text());
    }
    error(c, "expected a string, got " + e.get().value().typeName());
    return Optional.empty();
  }

  Optional<Boolean> bool(String c) {
    Optional<YamlNode.Entry> e = entry(c);
    if (e.isEmpty()) {
      return Optional.empty();
    }
    if (e.get().value() instanceof Scalar s && s.kind() == ScalarKind.BOOLEAN) {
      return Optional.of(Boolean.parseBoolean(s.text()));
    }
    error(c, "expected a boolean, got " + e.get().value().typeName());
    return Optional.empty();
  }

  boolean bool(String c, boolean dflt) {
    return bool(c).orElse(dflt);
  }

  /** An integer within [min, max]; out-of-range values are reported with {@code what}. */
  Optional<Long> integer(String c, long min, long max, String what) {
    Optional<YamlNode.Entry> e = entry(c);
    if (e.isEmpty()) {
      return Optional.empty();
    }
    if (!(e.get().value() instanceof Scalar s) || s.kind() != ScalarKind.INTEGER) {
      error(c, "expected an integer, got " + e.get().value().typeName());
      return Optional.empty();
    }
    BigInteger v = new BigInteger(s.text().startsWith("+") ? s.text().substring(1) : s.text());
    if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
      error(c, "invalid " + what + " " + v + ": must be in " + min + "-" + max);
      return Optional.empty();
    }
    return Optional.of(v.longValue());
  }

  List<YamlNode> list(String c) {
    Optional<YamlNode.Entry> e = entry(c);
    if (e.isEmpty()) {
      return List.of();
    }
    if (e.get().value() instanceof Sequence s) {
      return s.items();
    }
    error(c, "expected a list, got " + e.get().value().typeName());
    return List.of();
  }

  /** A list of strings; duplicates are reported as MetalLB does. */
  List<String> strings(String c) {
    List<String> out = new ArrayList<>();
    List<YamlNode> items = list(c);
    for (int i = 0; i < items.size(); i++) {
      YamlNode n = items.get(i);
      if (n instanceof Scalar s && s.kind() != ScalarKind.NULL) {
        if (out.contains(s.text())) {
          ctx.error(n.line(), display(c) + "[" + i + "]",
              "duplicate definition of " + display(c) + ": entry \"" + s.text() + "\" appears twice");
        } else {
          out.add(s.text());
        }
      } else {
        ctx.error(n.line(), display(c) + "[" + i + "]", "expected a string, got " + n.typeName());
      }
    }
    return out;
  }

  Optional<View> object(String c) {
    Optional<YamlNode.Entry> e = entry(c);
    if (e.isEmpty()) {
      return Optional.empty();
    }
    if (e.get().value() instanceof Mapping m) {
      return Optional.of(new View(m, ctx, display(c) + "."));
    }
    error(c, "expected a mapping, got " + e.get().value().typeName());
    return Optional.empty();
  }

  /** A list of mappings, each as a view with an indexed prefix. */
  List<View> objects(String c) {
    List<View> out = new ArrayList<>();
    List<YamlNode> items = list(c);
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) instanceof Mapping m) {
        out.add(new View(m, ctx, display(c) + "[" + i + "]."));
      } else {
        ctx.error(items.get(i).line(), display(c) + "[" + i + "]", "expected a mapping, got " + items.get(i).typeName());
      }
    }
    return out;
  }

  /** {@code []metav1.LabelSelector}; identical selectors twice are rejected as MetalLB does. */
  List<LabelSelector> selectors(String c) {
    List<LabelSelector> out = new ArrayList<>();
    for (View v : objects(c)) {
      LabelSelector sel = v.selector();
      if (out.contains(sel)) {
        ctx.error(v.map.line(), v.prefix.substring(0, v.prefix.length() - 1),
            "duplicate definition of " + display(c));
      } else {
        out.add(sel);
      }
    }
    return out;
  }

  /** This mapping as one {@code metav1.LabelSelector}; bad requirements are reported and left out. */
  LabelSelector selector() {
    checkKnown(Set.of("matchLabels", "matchExpressions"));
    Map<String, String> labels = new LinkedHashMap<>();
    object("matchLabels").ifPresent(ml -> {
      for (YamlNode.Entry e : ml.map.entries().values()) {
        if (e.value() instanceof Scalar s) {
          labels.put(e.key(), s.text());
        } else {
          ctx.error(e.value().line(), ml.prefix + e.key(), "expected a string, got " + e.value().typeName());
        }
      }
    });
    List<LabelSelector.Requirement> reqs = new ArrayList<>();
    for (View x : objects("matchExpressions")) {
      x.checkKnown(Set.of("key", "operator", "values"));
      Optional<String> key = x.string("key");
      Optional<String> op = x.string("operator");
      List<String> values = x.strings("values");
      if (key.isEmpty()) {
        ctx.error(x.map.line(), x.display("key"), "Required value");
        continue;
      }
      if (op.isEmpty()) {
        ctx.error(x.map.line(), x.display("operator"), "Required value");
        continue;
      }
      Optional<LabelSelector.Operator> o = LabelSelector.Operator.fromKubernetesName(op.get());
      if (o.isEmpty()) {
        x.error("operator", "\"" + op.get() + "\" is not a valid label selector operator");
        continue;
      }
      boolean needsValues = o.get() == LabelSelector.Operator.IN || o.get() == LabelSelector.Operator.NOT_IN;
      if (needsValues && values.isEmpty()) {
        ctx.error(x.lineOf("values"), x.display("values"),
            "Required value: must be specified when `operator` is 'In' or 'NotIn'");
        continue;
      }
      if (!needsValues && !values.isEmpty()) {
        x.error("values", "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
        continue;
      }
      reqs.add(new LabelSelector.Requirement(key.get(), o.get(), values));
    }
    return new LabelSelector(labels, reqs);
  }
}
