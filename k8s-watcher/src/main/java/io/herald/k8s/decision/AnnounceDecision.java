package io.herald.k8s.decision;

import io.herald.k8s.model.AnnounceProtocol;
import java.util.List;
import java.util.Objects;

/** Whether this node announces a Service's IPs with one protocol: {@link Announce} or {@link Withdraw}. */
public sealed interface AnnounceDecision permits AnnounceDecision.Announce, AnnounceDecision.Withdraw {

  /** The discriminator for switch expressions (Java 17 has no pattern switch). */
  enum Kind {
    ANNOUNCE,
    WITHDRAW
  }

  Kind kind();

  AnnounceProtocol protocol();

  /**
   * Announce {@code ips}.
   *
   * @param ips the Service's ingress IPs, in status order
   * @param advertisements names of the advertisements that apply, sorted
   * @param peers BGP: names of the peers to announce to, sorted; empty for Layer 2
   * @param interfaces Layer 2: interfaces named by the advertisements, sorted (empty: all)
   */
  record Announce(
      AnnounceProtocol protocol,
      List<String> ips,
      List<String> advertisements,
      List<String> peers,
      List<String> interfaces)
      implements AnnounceDecision {
    public Announce {
      Objects.requireNonNull(protocol, "protocol");
      ips = List.copyOf(ips);
      advertisements = List.copyOf(advertisements);
      peers = List.copyOf(peers);
      interfaces = List.copyOf(interfaces);
      if (ips.isEmpty()) throw new IllegalArgumentException("an announcement needs an IP");
    }

    @Override
    public Kind kind() {
      return Kind.ANNOUNCE;
    }
  }

  /** Do not announce, because of {@code reason}. */
  record Withdraw(AnnounceProtocol protocol, Reason reason) implements AnnounceDecision {
    public Withdraw {
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public Kind kind() {
      return Kind.WITHDRAW;
    }
  }
}
