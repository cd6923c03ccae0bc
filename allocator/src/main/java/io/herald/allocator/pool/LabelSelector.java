package io.herald.allocator.pool;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Kubernetes {@code metav1.LabelSelector}: every {@code matchLabels} pair and every expression
 * must hold. The empty selector matches everything.
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

  public static final LabelSelector EVERYTHING = new LabelSelector(Map.of(), List.of());

  public LabelSelector {
    matchLabels = Map.copyOf(matchLabels);
    matchExpressions = List.copyOf(matchExpressions);
  }

  public static LabelSelector ofLabels(Map<String, String> labels) {
    return new LabelSelector(labels, List.of());
  }

  public boolean matches(Map<String, String> labels) {
    for (var e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (Requirement r : matchExpressions) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** True if any selector matches; MetalLB ORs the selectors in one list. */
  public static boolean anyMatches(List<LabelSelector> selectors, Map<String, String> labels) {
    for (LabelSelector s : selectors) {
      if (s.matches(labels)) {
        return true;
      }
    }
    return false;
  }

  public enum Operator {
    IN("In"),
    NOT_IN("NotIn"),
    EXISTS("Exists"),
    DOES_NOT_EXIST("DoesNotExist");

    private final String kubernetesName;

    Operator(String kubernetesName) {
      this.kubernetesName = kubernetesName;
    }

    public String kubernetesName() {
      return kubernetesName;
    }

    public static java.util.Optional<Operator> fromKubernetesName(String name) {
      for (Operator o : values()) {
        if (o.kubernetesName.equals(name)) {
          return java.util.Optional.of(o);
        }
      }
      return java.util.Optional.empty();
    }
  }

  /** One {@code matchExpressions} entry. In/NotIn carry values; Exists/DoesNotExist carry none. */
  public record Requirement(String key, Operator operator, List<String> values) {
    public Requirement {
      Objects.requireNonNull(key);
      Objects.requireNonNull(operator);
      values = List.copyOf(values);
    }

    public boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (operator) {
        case IN -> v != null && values.contains(v);
        case NOT_IN -> v == null || !values.contains(v);
        case EXISTS -> v != null;
        case DOES_NOT_EXIST -> v == null;
      };
    }
  }
}
