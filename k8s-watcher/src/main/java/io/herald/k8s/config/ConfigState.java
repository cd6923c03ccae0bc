package io.herald.k8s.config;

import io.herald.allocator.config.ConfigError;
import io.herald.allocator.config.ConfigLoader;
import io.herald.k8s.model.ObjectRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The configuration in force and the status of the last validation. Pure: {@link #next} validates
 * the cluster's configuration objects with {@link ConfigLoader} and returns the following state. A
 * valid configuration replaces the one in force; an invalid one is rejected whole and the last
 * valid one stays (metallb-features §1.8), marked stale. A node given its own file keeps that
 * file's configuration in force while the cluster holds no configuration object at all.
 *
 * @param current the configuration in force, empty until one was valid
 * @param status the last validation's outcome
 * @param origin where {@code current} comes from; {@link ConfigOrigin#NONE} exactly when it is empty
 */
public record ConfigState(Optional<LoadedConfig> current, ConfigStatus status, ConfigOrigin origin) {

  /** Before the first validation: nothing in force, result Unknown. */
  public static final ConfigState INITIAL = new ConfigState(Optional.empty(), ConfigStatus.UNKNOWN, ConfigOrigin.NONE);

  private static final ConfigStatus VALID = new ConfigStatus(ConfigResult.VALID, List.of(), true, false);

  public ConfigState {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(origin, "origin");
    if (current.isEmpty() != (origin == ConfigOrigin.NONE)) {
      throw new IllegalArgumentException("origin is NONE exactly when nothing is in force");
    }
  }

  /** Validates {@code sources} (every configuration object of the cluster) as one configuration. */
  public ConfigState next(List<ConfigSource> sources) {
    return next(sources, Optional.empty());
  }

  /**
   * As {@link #next(List)}, for a node that was given its own configuration {@code file}: while
   * the cluster holds no configuration object, the file's is in force (valid, as it was validated
   * when read); once the cluster holds any, the cluster's is validated and wins, and an invalid
   * one leaves what was in force, the file's included.
   */
  public ConfigState next(List<ConfigSource> sources, Optional<LoadedConfig> file) {
    if (sources.isEmpty() && file.isPresent()) return new ConfigState(file, VALID, ConfigOrigin.FILE);
    Map<String, ConfigSource> byFile = new LinkedHashMap<>();
    List<ConfigLoader.Source> files = new ArrayList<>();
    for (ConfigSource s : sources) {
      if (byFile.putIfAbsent(s.fileName(), s) == null) files.add(new ConfigLoader.Source(s.fileName(), s.yaml()));
    }
    ConfigLoader.Result r = ConfigLoader.load(files);
    if (r instanceof ConfigLoader.Result.Valid v) {
      LoadedConfig loaded = LoadedConfig.of(v.config());
      return new ConfigState(Optional.of(loaded), VALID, ConfigOrigin.CLUSTER);
    }
    List<ObjectError> errors = new ArrayList<>();
    for (ConfigError e : ((ConfigLoader.Result.Invalid) r).errors()) {
      ConfigSource s = byFile.get(e.file());
      errors.add(new ObjectError(s.object(), describe(e, s)));
    }
    return new ConfigState(current, new ConfigStatus(ConfigResult.INVALID, errors, current.isPresent(), true), origin);
  }

  /**
   * The error without the loader's file name (the object is named separately). Line numbers are
   * kept only for a user's own text: those of a re-serialized resource point nowhere the user sees.
   * Errors of a legacy config also name the entry ({@code address-pool/NAME}), since one ConfigMap
   * holds many.
   */
  private static String describe(ConfigError e, ConfigSource s) {
    String field = e.field().equals("-") ? "" : e.field() + ": ";
    if (!s.userText()) return field + e.message();
    String entry = e.name().equals("-") ? "" : e.kind() + "/" + e.name() + ": ";
    return "line " + e.line() + ": " + entry + field + e.message();
  }

  /** The objects named in the errors, each once, in error order. */
  public List<ObjectRef> offendingObjects() {
    return status.errors().stream().map(ObjectError::object).distinct().toList();
  }
}
