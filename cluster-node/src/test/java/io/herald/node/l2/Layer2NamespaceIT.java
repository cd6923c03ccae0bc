package io.herald.node.l2;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.k8s.decision.Layer2Election;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Layer 2 mode end to end: three nodes running the production speaker, membership and election
 * ({@link L2NodeMain}) and a client on one bridge, in network namespaces; the client asks with
 * {@code arping} (RFC 826) and {@code ndisc6} (RFC 4861) who has the Service IP. One lab serves
 * every case; each case first brings all three nodes up again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Layer2NamespaceIT {
  /** Generous: three JVMs start and form a cluster on a machine that may be busy with other builds. */
  private static final Duration FORM = Duration.ofSeconds(90);
  private static final Duration MOVE = Duration.ofSeconds(30);
  /** Well above the nodes' stable-after (5 s) plus the failure detector. */
  private static final Duration RESOLVE = Duration.ofSeconds(60);

  private L2Lab lab;

  @BeforeAll
  void buildLab() {
    Optional<String> missing = L2Lab.missing();
    Assumptions.assumeTrue(missing.isEmpty(), () -> "Layer 2 namespace lab skipped: " + missing.orElse(""));
    lab = new L2Lab();
    try {
      lab.build();
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  @AfterAll
  void removeLab() {
    if (lab != null) lab.close();
  }

  @BeforeEach
  void allNodesUp() throws InterruptedException {
    for (int i = 0; i < L2Lab.NODES.size(); i++) lab.start(i);
    String all = L2Lab.NODES.toString();
    for (int i = 0; i < L2Lab.NODES.size(); i++) {
      int n = i;
      lab.await(L2Lab.NODES.get(n) + " to see " + all, FORM, () -> lab.lastView(n).filter(all::equals));
    }
  }

  /** The node {@link Layer2Election} picks for the Service among {@code live} (indexes into NODES). */
  private static int elected(Set<Integer> live) {
    Map<String, Integer> weights = new TreeMap<>();
    live.forEach(i -> weights.put(L2Lab.NODES.get(i), 0));
    return L2Lab.NODES.indexOf(Layer2Election.owner(L2Lab.VIP4, weights).orElseThrow());
  }

  private String awaitArpFrom(int node, Duration timeout) throws InterruptedException {
    String mac = lab.mac(node);
    return lab.await("an ARP reply from " + L2Lab.NODES.get(node) + " (" + mac + ")", timeout,
        () -> lab.arping(L2Lab.VIP4, 1).contains(mac) ? Optional.of(mac) : Optional.empty());
  }

  @Test
  @Order(1)
  void onlyTheElectedOwnerAnswersArpAndNdpForTheServiceIps() throws InterruptedException {
    int owner = elected(Set.of(0, 1, 2));
    String mac = awaitArpFrom(owner, MOVE);

    assertThat(lab.arping(L2Lab.VIP4, 4)).as("MACs answering ARP for %s", L2Lab.VIP4).containsExactly(mac);
    assertThat(lab.ndisc(L2Lab.VIP6, 3)).as("MACs answering NDP for %s", L2Lab.VIP6).containsExactly(mac);
    // The other nodes' MACs differ, so the single answer identifies the owner.
    assertThat(Set.of(lab.mac(0), lab.mac(1), lab.mac(2))).hasSize(3);
  }

  @Test
  @Order(2)
  void whenTheOwnerDiesTheNodeTheElectionPicksAmongTheOthersAnswers() throws InterruptedException {
    int owner = elected(Set.of(0, 1, 2));
    awaitArpFrom(owner, MOVE);

    lab.powerOff(owner);
    Set<Integer> rest = new TreeSet<>(Set.of(0, 1, 2));
    rest.remove(owner);
    int next = elected(rest);
    String mac = awaitArpFrom(next, MOVE);

    assertThat(lab.arping(L2Lab.VIP4, 4)).containsExactly(mac);
    assertThat(lab.ndisc(L2Lab.VIP6, 3)).containsExactly(mac);
  }

  @Test
  @Order(3)
  void afterAPartitionExactlyOneNodeOnTheMajoritySideAnswersPerIp() throws InterruptedException {
    // Cut the owner off: the minority side then holds the owner, the case where both sides would
    // answer until the split-brain resolver acts.
    int cut = elected(Set.of(0, 1, 2));
    awaitArpFrom(cut, MOVE);
    lab.isolate(cut);
    Set<Integer> majority = new TreeSet<>(Set.of(0, 1, 2));
    majority.remove(cut);
    int next = elected(majority);

    // keep-majority: the lone node downs itself (and its JVM exits), the others down it.
    assertThat(lab.awaitExit(cut, RESOLVE)).as("the minority node was downed\n%s", lab.tails()).isTrue();
    String expected = L2Lab.NODES.stream().filter(n -> majority.contains(L2Lab.NODES.indexOf(n))).toList().toString();
    for (int i : majority) {
      lab.await(L2Lab.NODES.get(i) + " to see " + expected, RESOLVE, () -> lab.lastView(i).filter(expected::equals));
    }
    String mac = awaitArpFrom(next, MOVE);

    assertThat(lab.arping(L2Lab.VIP4, 5)).as("MACs answering ARP after the split").containsExactly(mac);
    assertThat(lab.ndisc(L2Lab.VIP6, 3)).as("MACs answering NDP after the split").containsExactly(mac);
  }
}
