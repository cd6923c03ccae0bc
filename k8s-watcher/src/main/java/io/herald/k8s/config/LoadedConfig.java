package io.herald.k8s.config;

import io.herald.allocator.config.HeraldConfig;
import io.herald.k8s.model.ConfigView;
import java.util.Objects;

/** A validated configuration together with the announce decision's view of it. */
public record LoadedConfig(HeraldConfig config, ConfigView view) {
  public LoadedConfig {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(view, "view");
  }

  public static LoadedConfig of(HeraldConfig config) {
    return new LoadedConfig(config, ConfigViews.of(config));
  }
}
