package io.herald.k8s.config;

/** The {@code status.result} values of MetalLB's {@code ConfigurationState}. */
public enum ConfigResult {
  VALID("Valid"),
  INVALID("Invalid"),
  /** Nothing validated yet (the caches have not listed). */
  UNKNOWN("Unknown");

  private final String text;

  ConfigResult(String text) {
    this.text = text;
  }

  /** The spelling in the resource. */
  public String text() {
    return text;
  }
}
