package io.herald.k8s.decision;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Layer2ElectionTest {

  @Test
  void lowestHashWinsAmongEqualWeights() {
    Map<String, Integer> c = Map.of("node-a", 0, "node-b", 0, "node-c", 0);
    String ip = "192.0.2.10";
    String expected = c.keySet().stream()
        .min((x, y) -> java.util.Arrays.compareUnsigned(Layer2Election.key(x, ip), Layer2Election.key(y, ip)))
        .orElseThrow();
    assertThat(Layer2Election.owner(ip, c)).contains(expected);
  }

  @Test
  void higherPreferenceWeightWinsOverHash() {
    String ip = "192.0.2.10";
    Map<String, Integer> c = new HashMap<>(Map.of("node-a", 0, "node-b", 0, "node-c", 0));
    String hashWinner = Layer2Election.owner(ip, c).orElseThrow();
    String other = c.keySet().stream().filter(n -> !n.equals(hashWinner)).sorted().findFirst().orElseThrow();
    c.put(other, 10);
    assertThat(Layer2Election.owner(ip, c)).contains(other);
  }

  @Test
  void noCandidateNoOwner() {
    assertThat(Layer2Election.owner("192.0.2.10", Map.of())).isEmpty();
  }

  /** Removing a non-owner never moves an IP; adding a node moves an IP only to the new node. */
  @Test
  void ownershipIsStableWhenOtherNodesComeAndGo() {
    Random rnd = new Random(826);
    for (int i = 0; i < 500; i++) {
      Map<String, Integer> c = new HashMap<>();
      int n = 2 + rnd.nextInt(8);
      for (int k = 0; k < n; k++) c.put("node-" + rnd.nextInt(1000), 0);
      String ip = "198.51.100." + rnd.nextInt(256);
      String owner = Layer2Election.owner(ip, c).orElseThrow();
      String gone = c.keySet().stream().filter(x -> !x.equals(owner)).findAny().orElse(null);
      if (gone != null) {
        Map<String, Integer> fewer = new HashMap<>(c);
        fewer.remove(gone);
        assertThat(Layer2Election.owner(ip, fewer)).contains(owner);
      }
      Map<String, Integer> more = new HashMap<>(c);
      String added = "new-" + i;
      more.put(added, 0);
      assertThat(Layer2Election.owner(ip, more).orElseThrow()).isIn(owner, added);
      // Order of the candidates never matters.
      assertThat(Layer2Election.owner(ip, new java.util.TreeMap<>(c))).contains(owner);
    }
  }
}
