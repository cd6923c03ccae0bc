package io.herald.node.serialization;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.herald.allocator.pool.AllocationFailure;
import io.herald.allocator.pool.AllocationResult;

/**
 * Lets the allocator's sealed result types cross nodes inside replies: the allocator module stays
 * free of Jackson annotations, so the concrete record class is added here as a type id.
 */
public final class AllocatorJacksonModule extends SimpleModule {
  private static final long serialVersionUID = 1L;

  @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, property = "@type")
  private interface Polymorphic {}

  public AllocatorJacksonModule() {
    super("herald-allocator");
    setMixInAnnotation(AllocationResult.class, Polymorphic.class);
    setMixInAnnotation(AllocationFailure.class, Polymorphic.class);
  }
}
