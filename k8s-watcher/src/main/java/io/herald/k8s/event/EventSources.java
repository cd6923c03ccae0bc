package io.herald.k8s.event;

import java.util.Objects;

/**
 * The {@code source.component} of the Events a node records: one for what MetalLB's speaker
 * reports ({@code nodeAssigned}, configuration errors), one for what its controller reports
 * (allocations, annotation warnings). Alerts and runbooks often filter on these names, hence the
 * MetalLB defaults.
 */
public record EventSources(String speaker, String controller) {

  public static final EventSources METALLB = new EventSources(MetallbEvents.SPEAKER, MetallbEvents.CONTROLLER);

  public EventSources {
    Objects.requireNonNull(speaker, "speaker");
    Objects.requireNonNull(controller, "controller");
    if (speaker.isBlank() || controller.isBlank()) {
      throw new IllegalArgumentException("an Event source component must not be empty");
    }
  }
}
