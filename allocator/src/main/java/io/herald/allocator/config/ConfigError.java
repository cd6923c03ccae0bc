package io.herald.allocator.config;

/**
 * One configuration error: where it is and what is wrong, printed as
 * {@code file:line: kind/name: field: message}.
 */
public record ConfigError(String file, int line, String kind, String name, String field, String message) {
  @Override
  public String toString() {
    return file + ":" + line + ": " + kind + "/" + name + ": " + field + ": " + message;
  }
}
