package io.herald.node.cluster;

import io.herald.node.NodeSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The concurrent-Services scenario on the default journal: one embedded H2 file shared by three
 * nodes. An integration test for its length (six node starts and 1,200 Services through one
 * sandbox API take minutes on two cores); {@code -Dherald.test.first-wave=60
 * -Dherald.test.second-wave=30} runs a smaller one.
 */
class ConcurrentServicesH2IT {
  @TempDir Path dir;

  @Test
  void aThousandConcurrentServicesGetDistinctAddressesThatSurviveACrashAndAFullRestart() throws Exception {
    new ConcurrentServicesScenario(ConcurrentServicesScenario.FIRST_WAVE, ConcurrentServicesScenario.SECOND_WAVE).run(new NodeSettings.Journal.H2(dir.resolve("journal")));
  }
}
