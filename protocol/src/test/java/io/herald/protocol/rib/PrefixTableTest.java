package io.herald.protocol.rib;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.protocol.types.IpLiterals;
import io.herald.protocol.types.Prefix;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The node-free table behaves like a HashMap under random puts, removes and clears. */
class PrefixTableTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {3, 11, 2718})
  void behavesLikeAHashMap(long seed) {
    Random rnd = new Random(seed);
    PrefixTable<Integer> table = new PrefixTable<>();
    Map<Prefix, Integer> model = new HashMap<>();
    for (int step = 0; step < 50_000; step++) {
      // A small key space forces long probe runs and many deletions inside them.
      Prefix p = rnd.nextInt(4) == 0
          ? Prefix.host(IpLiterals.parse("2001:db8::" + Integer.toHexString(rnd.nextInt(600) + 1)))
          : Prefix.containing(IpLiterals.ipv4(0xC633_6400 + rnd.nextInt(1500)), 24 + rnd.nextInt(9));
      int op = rnd.nextInt(100);
      if (op < 50) {
        assertThat(table.put(p, step)).isEqualTo(model.put(p, step));
      } else if (op < 85) {
        assertThat(table.remove(p)).isEqualTo(model.remove(p));
      } else if (op < 99) {
        assertThat(table.get(p)).isEqualTo(model.get(p));
        assertThat(table.containsKey(p)).isEqualTo(model.containsKey(p));
      } else {
        table.clear();
        model.clear();
      }
      assertThat(table.size()).isEqualTo(model.size());
    }
    Map<Prefix, Integer> contents = new HashMap<>();
    for (int s = 0; s < table.capacity(); s++) {
      if (table.keyAt(s) != null) {
        assertThat(table.hashAt(s)).isEqualTo(PrefixTable.hash(table.keyAt(s)));
        contents.put(table.keyAt(s), table.valueAt(s));
      }
    }
    assertThat(contents).isEqualTo(model);
  }
}
