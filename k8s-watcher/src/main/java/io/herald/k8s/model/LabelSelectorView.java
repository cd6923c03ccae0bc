package io.herald.k8s.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@code metav1.LabelSelector}: every {@code matchLabels} pair and every expression must hold.
 * An empty selector matches everything.
 */
public record LabelSelectorView(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

  /** The operators of {@code matchExpressions}. */
  public enum Operator {
    IN,
    NOT_IN,
    EXISTS,
    DOES_NOT_EXIST;

    /** Parses Kubernetes' spelling ({@code In}, {@code NotIn}, {@code Exists}, {@code DoesNotExist}). */
    public static Operator of(String text) {
      return switch (text) {
        case "In" -> IN;
        case "NotIn" -> NOT_IN;
        case "Exists" -> EXISTS;
        case "DoesNotExist" -> DOES_NOT_EXIST;
        default -> throw new IllegalArgumentException("unknown label selector operator: " + text);
      };
    }
  }

  /** One {@code matchExpressions} entry. */
  public record Requirement(String key, Operator operator, List<String> values) {
    public Requirement {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(operator, "operator");
      values = List.copyOf(values);
    }

    boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (operator) {
        case IN -> v != null && values.contains(v);
        case NOT_IN -> v == null || !values.contains(v);
        case EXISTS -> v != null;
        case DOES_NOT_EXIST -> v == null;
      };
    }
  }

  public static final LabelSelectorView EVERYTHING = new LabelSelectorView(Map.of(), List.of());

  public LabelSelectorView {
    matchLabels = Map.copyOf(matchLabels);
    matchExpressions = List.copyOf(matchExpressions);
  }

  public static LabelSelectorView ofLabels(Map<String, String> labels) {
    return new LabelSelectorView(labels, List.of());
  }

  public boolean matches(Map<String, String> labels) {
    for (var e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) return false;
    }
    for (Requirement r : matchExpressions) {
      if (!r.matches(labels)) return false;
    }
    return true;
  }

  /** MetalLB's rule for selector lists: empty matches all, otherwise any selector (ORed). */
  public static boolean anyMatches(List<LabelSelectorView> selectors, Map<String, String> labels) {
    return selectors.isEmpty() || selectors.stream().anyMatch(s -> s.matches(labels));
  }
}
