package io.herald.k8s.config;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The outcome of the last validation of the cluster's configuration and what it left in force.
 *
 * @param result the last validation's result
 * @param errors the errors that rejected the last configuration (empty unless INVALID)
 * @param loaded a valid configuration has been loaded at some point and is in force
 *     ({@code metallb_k8s_client_config_loaded_bool})
 * @param stale the last validation failed, so what is in force (the last valid configuration, or
 *     none) is not the cluster's current one ({@code metallb_k8s_client_config_stale_bool}, which
 *     MetalLB also sets when its first configuration is invalid)
 */
public record ConfigStatus(ConfigResult result, List<ObjectError> errors, boolean loaded, boolean stale) {

  public static final ConfigStatus UNKNOWN = new ConfigStatus(ConfigResult.UNKNOWN, List.of(), false, false);

  public ConfigStatus {
    Objects.requireNonNull(result, "result");
    errors = List.copyOf(errors);
    if ((result == ConfigResult.INVALID) == errors.isEmpty()) {
      throw new IllegalArgumentException("errors are present exactly when the result is Invalid");
    }
    if (stale != (result == ConfigResult.INVALID)) throw new IllegalArgumentException("stale exactly when the result is Invalid");
  }

  /** Every error on its own line; empty when valid. */
  public String errorSummary() {
    return errors.stream().map(ObjectError::toString).collect(Collectors.joining("\n"));
  }
}
