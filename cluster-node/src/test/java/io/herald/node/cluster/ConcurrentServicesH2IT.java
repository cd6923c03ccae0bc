package io.herald.node.cluster;

import io.herald.node.NodeSettings;
import io.herald.node.TestNodes;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The concurrent-Services scenario on the default journal: one embedded H2 file shared by three
 * nodes. The thousand-Service run is {@link ConcurrentServicesPostgresIT}'s (the journal a real
 * cluster shares); here the same scenario runs with 300 + 100 Services, since the sandbox API
 * takes only tens of objects a second and the suite has to stay short on two cores.
 * {@code -Dherald.test.first-wave=N -Dherald.test.second-wave=M} sets other sizes.
 */
class ConcurrentServicesH2IT {
  @TempDir Path dir;

  @Test
  void concurrentServicesGetDistinctAddressesThatSurviveACrashAndAFullRestart() throws Exception {
    try {
      new ConcurrentServicesScenario(Integer.getInteger("herald.test.first-wave", 300),
          Integer.getInteger("herald.test.second-wave", 100)).run(new NodeSettings.Journal.H2(dir.resolve("journal")));
    } finally {
      // The journal closes a second after its nodes stop: before JUnit deletes the directory.
      TestNodes.awaitH2Closed(dir);
    }
  }
}
