package io.herald.node.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus text exposition format (version 0.0.4), written directly so that MetalLB's metric
 * names, including gauges ending in {@code _total}, come out exactly as its dashboards expect.
 */
public final class MetricsText {
  private record Family(String help, String type, List<String> samples) {}

  private final Map<String, Family> families = new LinkedHashMap<>();

  /** Declares a metric family; samples are added with {@link #sample}. */
  public MetricsText family(String name, String type, String help) {
    families.putIfAbsent(name, new Family(help, type, new ArrayList<>()));
    return this;
  }

  /** One sample; {@code labels} alternates names and values. */
  public MetricsText sample(String name, double value, String... labels) {
    Family f = families.get(name);
    if (f == null) {
      throw new IllegalArgumentException("undeclared metric " + name);
    }
    StringBuilder b = new StringBuilder(name);
    if (labels.length > 0) {
      b.append('{');
      for (int i = 0; i < labels.length; i += 2) {
        if (i > 0) {
          b.append(',');
        }
        b.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
      }
      b.append('}');
    }
    b.append(' ').append(format(value));
    f.samples().add(b.toString());
    return this;
  }

  private static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /** Label values escape backslash, double quote and line feed. */
  static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  public String render() {
    StringBuilder out = new StringBuilder();
    for (var e : families.entrySet()) {
      out.append("# HELP ").append(e.getKey()).append(' ').append(e.getValue().help()).append('\n');
      out.append("# TYPE ").append(e.getKey()).append(' ').append(e.getValue().type()).append('\n');
      for (String s : e.getValue().samples()) {
        out.append(s).append('\n');
      }
    }
    return out.toString();
  }
}
