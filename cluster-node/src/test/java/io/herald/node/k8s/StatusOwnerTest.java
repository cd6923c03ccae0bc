package io.herald.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.allocator.pool.ServiceKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StatusOwnerTest {

  private static final List<String> MEMBERS = List.of("pekko://herald@10.0.0.1:25520",
      "pekko://herald@10.0.0.2:25520", "pekko://herald@10.0.0.3:25520");

  private static List<ServiceKey> keys(int n) {
    List<ServiceKey> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(new ServiceKey("ns" + i % 7, "svc-" + i));
    return out;
  }

  @Test
  void everyOrderOfTheMemberListGivesTheSameOwner() {
    Random random = new Random(20261126L);
    for (ServiceKey k : keys(200)) {
      String owner = StatusOwner.owner(k, MEMBERS).orElseThrow();
      List<String> shuffled = new ArrayList<>(MEMBERS);
      Collections.shuffle(shuffled, random);
      assertThat(StatusOwner.owner(k, shuffled)).contains(owner);
    }
  }

  @Test
  void spreadsServicesAndALeavingMemberMovesOnlyItsOwn() {
    Map<String, Integer> counts = new HashMap<>();
    List<String> two = MEMBERS.subList(0, 2);
    for (ServiceKey k : keys(3000)) {
      String owner = StatusOwner.owner(k, MEMBERS).orElseThrow();
      counts.merge(owner, 1, Integer::sum);
      String after = StatusOwner.owner(k, two).orElseThrow();
      if (!owner.equals(MEMBERS.get(2))) {
        assertThat(after).as("%s stays with its owner", k).isEqualTo(owner);
      }
    }
    assertThat(counts).hasSize(3);
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(800, 1200));
  }

  @Test
  void noMembersNoOwner() {
    assertThat(StatusOwner.owner(new ServiceKey("a", "b"), List.of())).isEmpty();
  }
}
