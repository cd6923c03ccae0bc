package io.herald.node.l2;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.herald.k8s.decision.Layer2Election;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A Layer 2 node without Kubernetes, for the namespace tests and the failover benchmark: a Pekko
 * cluster member with the LAN failure detector and the split-brain resolver, the production
 * {@link L2Speaker} and {@link L2Membership}, and one Service whose IPs it answers for whenever
 * {@link Layer2Election} over the live members picks it.
 *
 * <p>Arguments: {@code NODE HOST:PORT SEEDS(comma-separated HOST:PORT) INTERFACE STABLE_AFTER IP...}
 */
public final class L2NodeMain {

  private L2NodeMain() {}

  public static void main(String[] args) throws Exception {
    String node = args[0];
    String[] bind = args[1].split(":");
    List<String> seeds = Arrays.stream(args[2].split(",")).map(s -> "pekko://herald@" + s).toList();
    String iface = args[3];
    String stableAfter = args[4];
    List<InetAddress> ips = Arrays.stream(args, 5, args.length).map(L2NodeMain::ip).toList();

    Map<String, Object> m = new HashMap<>();
    m.put("pekko.remote.artery.canonical.hostname", bind[0]);
    m.put("pekko.remote.artery.canonical.port", Integer.parseInt(bind[1]));
    m.put("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
    m.put("pekko.cluster.roles", ConfigValueFactory.fromIterable(List.of(L2Membership.role(node))));
    m.put("pekko.cluster.split-brain-resolver.stable-after", stableAfter);
    m.put("pekko.coordinated-shutdown.exit-jvm", "on");
    Config config = ConfigFactory.parseMap(m).withFallback(L2Settings.lanFailureDetector())
        .withFallback(ConfigFactory.load()).resolve();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "herald", config);
    L2Counters counters = new L2Counters();
    ActorRef<L2Speaker.Command> speaker =
        system.systemActorOf(L2Speaker.create(counters, L2Interfaces.DEFAULT_EXCLUDES, true), "l2-speaker", Props.empty());
    String firstIp = ips.get(0).getHostAddress();
    L2Membership.watch(system, "l2-membership", live -> {
      Map<String, Integer> candidates = new HashMap<>();
      live.forEach(n -> candidates.put(n, 0));
      String owner = Layer2Election.owner(firstIp, candidates).orElse("");
      System.out.println("owner " + owner + " of " + firstIp + " among " + live);
      Map<InetAddress, List<String>> owned = new LinkedHashMap<>();
      if (owner.equals(node)) ips.forEach(ip -> owned.put(ip, List.of(iface)));
      speaker.tell(new L2Speaker.SetOwned(owned));
    });
    system.getWhenTerminated().toCompletableFuture().join();
  }

  private static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }
}
