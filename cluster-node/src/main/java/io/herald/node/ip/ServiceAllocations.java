package io.herald.node.ip;

import io.herald.allocator.pool.AllocationResult;
import io.herald.allocator.pool.ServiceKey;
import io.herald.allocator.pool.ServiceRequest;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The allocation side of the node, as the Kubernetes watcher uses it: Services in, persisted
 * decisions out. Every stage completes only after the decision is in the journal, so the caller
 * may write {@code status.loadBalancer.ingress} and the Event as soon as it completes. Calls are
 * idempotent: repeat one after any failure.
 */
public interface ServiceAllocations {

  /** Converge one Service (on every add or update of a LoadBalancer Service, and after config changes). */
  CompletionStage<AllocationResult> allocate(ServiceRequest request);

  /**
   * Converge every Service known at start, in one decision: Services with addresses in status are
   * honoured before any new allocation, so no Service changes IP across restarts.
   */
  CompletionStage<List<AllocationResult>> startUp(Collection<ServiceRequest> requests);

  /** The Service is deleted or no longer of type LoadBalancer; true if it held addresses. */
  CompletionStage<Boolean> release(ServiceKey service);

  /**
   * New pools from a configuration change; completes with the refusal text (empty when applied).
   * A refused change leaves the old pools in force and the configuration stale.
   */
  CompletionStage<IpOwnerEntity.SetPoolsReply> setPools(io.herald.allocator.pool.PoolSet pools);

  /** Every allocation and pool usage, for the management API and metrics. */
  CompletionStage<IpOwnerEntity.Snapshot> snapshot();
}
