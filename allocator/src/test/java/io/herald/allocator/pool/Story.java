package io.herald.allocator.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.allocator.ip.IpAddress;
import java.util.stream.Collectors;

/**
 * A MetalLB-style story: one allocator, steps applied in order, each with the expected outcome:
 * the addresses ({@code "192.0.2.1"}, {@code "192.0.2.1,2001:db8::1"}), {@code "fail: <message>"},
 * {@code "released"} or {@code "not handled"}.
 */
final class Story {
  final Allocator allocator;

  Story(Allocator allocator) {
    this.allocator = allocator;
  }

  Story(PoolSet pools) {
    this(new Allocator(pools));
  }

  Story step(String description, ServiceRequest svc, String expected) {
    AllocationResult r = allocator.allocate(svc);
    assertThat(render(r)).as(description).isEqualTo(expected);
    return this;
  }

  Story release(String description, String namespace, String name) {
    assertThat(allocator.release(new ServiceKey(namespace, name))).as(description).isTrue();
    return this;
  }

  static String render(AllocationResult r) {
    if (r instanceof AllocationResult.Assigned a) {
      return a.ips().stream().map(IpAddress::toString).collect(Collectors.joining(","));
    }
    if (r instanceof AllocationResult.Failed f) {
      return "fail: " + f.reason().message();
    }
    return "not handled";
  }

  static ServiceRequest.Builder svc(String name) {
    return ServiceRequest.builder("default", name);
  }
}
