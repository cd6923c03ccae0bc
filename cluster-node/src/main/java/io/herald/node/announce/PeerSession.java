package io.herald.node.announce;

import io.herald.protocol.netty.BgpTransport;
import io.herald.protocol.session.BgpPeer;
import io.herald.protocol.session.PeerConfig;
import io.herald.protocol.session.RouteAttributes;
import io.herald.protocol.types.Prefix;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;

/**
 * One BGP peering of this node: owns a {@link BgpPeer} (FSM, timers and channel on a Netty event
 * loop) and feeds it the desired routes, a whole set or changes to part of it, through a Pekko
 * Streams pipeline. What is to be handed over gathers in one place ({@link Pending}: the newest
 * whole set and the changes since); the pipeline carries only the signal that something waits,
 * holds one such signal and conflates: a burst of Service changes becomes one diff on the wire,
 * and a route change never resets the session.
 *
 * <p>The pipeline is backpressured by the channel's writability: after handing routes over, it
 * takes the next ones only once the session's channel takes writes again. While a router reads
 * slowly (or not at all) changes gather by prefix, the Adj-RIB-Out stops draining, and the
 * outbound buffer stays near Netty's high water mark; nothing grows with the number of changes,
 * only with the number of distinct prefixes.
 */
public final class PeerSession {
  private PeerSession() {}

  public sealed interface Command {}

  /** The complete route set this peer should carry now. */
  public record SetRoutes(Map<Prefix, RouteAttributes> routes) implements Command {
    public SetRoutes {
      routes = Map.copyOf(routes);
    }
  }

  /**
   * Changes to part of the route set: each prefix's new attributes, or null to withdraw it; the
   * other routes stay.
   */
  public record UpdateRoutes(Map<Prefix, RouteAttributes> changes) implements Command {
    public UpdateRoutes {
      changes = java.util.Collections.unmodifiableMap(new java.util.HashMap<>(changes)); // null values: withdraw
    }
  }

  /**
   * What waits to be handed to the peer: the newest whole set (null: none) and the changes made
   * after it, by prefix. Written by the actor, taken by the pipeline's stage.
   */
  static final class Pending {
    private Map<Prefix, RouteAttributes> whole;
    private Map<Prefix, RouteAttributes> changes = new java.util.HashMap<>();

    synchronized void set(Map<Prefix, RouteAttributes> routes) {
      whole = routes;
      changes = new java.util.HashMap<>();
    }

    synchronized void change(Map<Prefix, RouteAttributes> more) {
      changes.putAll(more);
    }

    /** Hands everything waiting to {@code peer}, in order: the whole set, then the changes. */
    void handTo(BgpPeer peer) {
      Map<Prefix, RouteAttributes> w;
      Map<Prefix, RouteAttributes> c;
      synchronized (this) {
        w = whole;
        c = changes;
        whole = null;
        changes = new java.util.HashMap<>();
      }
      if (w != null) {
        peer.setRoutes(w);
      }
      if (!c.isEmpty()) {
        peer.updateRoutes(c);
      }
    }
  }

  /**
   * Ends the session and stops the actor. {@code deconfigured}: Cease/Peer De-configured (RFC 4486
   * 6/3) at once. Otherwise: withdraw every route, then Cease/Administrative Shutdown (6/2) with
   * {@code text} as the shutdown communication (RFC 9003).
   */
  public record Stop(boolean deconfigured, String text, ActorRef<Done> replyTo) implements Command {}

  private record PipelineDone(Stop stop) implements Command {}

  private record Closed(ActorRef<Done> replyTo) implements Command {}

  public static Behavior<Command> create(BgpTransport transport, PeerConfig config, PeerTelemetry telemetry) {
    return Behaviors.setup(ctx -> {
      BgpPeer peer = BgpPeer.create(transport, config, telemetry);
      telemetry.attach(peer);
      // Completed on Stop: the pipeline then hands its last set over without waiting for a
      // router that may never read again (the stop withdraws or deconfigures everything anyway).
      CompletableFuture<Void> stopping = new CompletableFuture<>();
      Pending pending = new Pending();
      // The elements are only signals: dropping or merging them loses nothing, the routes wait
      // in Pending, and the last signal offered is never the one dropped.
      Pair<SourceQueueWithComplete<Done>, CompletionStage<Done>> pipeline =
          Source.<Done>queue(1, OverflowStrategy.dropHead())
              .conflateWithSeed(first -> {
                telemetry.desiredSetWaiting(true);
                return first;
              }, (older, newer) -> {
                telemetry.desiredSetConflated();
                return newer;
              })
              .mapAsync(1, signal -> {
                telemetry.desiredSetWaiting(false);
                pending.handTo(peer);
                telemetry.desiredSetHandedOver();
                return peer.whenWritable().applyToEither(stopping, v -> Done.getInstance());
              })
              .toMat(Sink.ignore(), Keep.both())
              .run(Materializer.createMaterializer(ctx));
      peer.start();
      ctx.getLog().info("session to {} AS{} started", config.peer(), config.peerAs());
      return running(ctx, peer, pending, pipeline.first(), pipeline.second(), stopping);
    });
  }

  private static Behavior<Command> running(ActorContext<Command> ctx, BgpPeer peer, Pending pending,
      SourceQueueWithComplete<Done> queue, CompletionStage<Done> pipelineDone, CompletableFuture<Void> stopping) {
    return Behaviors.receive(Command.class)
        .onMessage(SetRoutes.class, m -> {
          pending.set(m.routes());
          queue.offer(Done.getInstance());
          return Behaviors.same();
        })
        .onMessage(UpdateRoutes.class, m -> {
          pending.change(m.changes());
          queue.offer(Done.getInstance());
          return Behaviors.same();
        })
        .onMessage(Stop.class, stop -> {
          // Let the pipeline hand over its last element first, so nothing overtakes the withdrawal.
          stopping.complete(null);
          queue.complete();
          ctx.pipeToSelf(pipelineDone, (ok, err) -> new PipelineDone(stop));
          return stopping(ctx, peer);
        })
        .onSignal(PostStop.class, s -> {
          stopping.complete(null);
          queue.complete();
          try {
            peer.shutdown("herald session stopped");
          } catch (java.util.concurrent.RejectedExecutionException e) {
            // The transport is already closed (process exit): its channels are gone with it.
          }
          return Behaviors.same();
        })
        .build();
  }

  private static Behavior<Command> stopping(ActorContext<Command> ctx, BgpPeer peer) {
    return Behaviors.receive(Command.class)
        .onMessage(SetRoutes.class, m -> Behaviors.same())
        .onMessage(UpdateRoutes.class, m -> Behaviors.same())
        .onMessage(Stop.class, m -> Behaviors.same())
        .onMessage(PipelineDone.class, m -> {
          Stop stop = m.stop();
          CompletionStage<Void> closed;
          if (stop.deconfigured()) {
            closed = peer.deconfigure();
          } else {
            // Both calls run in order on the session's event loop: the withdrawal precedes the Cease.
            peer.setRoutes(Map.of());
            closed = peer.shutdown(stop.text());
          }
          ctx.pipeToSelf(closed, (ok, err) -> new Closed(stop.replyTo()));
          return Behaviors.same();
        })
        .onMessage(Closed.class, m -> {
          m.replyTo().tell(Done.getInstance());
          return Behaviors.stopped();
        })
        .build();
  }
}
