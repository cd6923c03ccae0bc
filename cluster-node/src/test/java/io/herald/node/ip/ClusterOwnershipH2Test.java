package io.herald.node.ip;

import io.herald.node.NodeSettings;
import io.herald.node.TestNodes;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ownership scenario on the default journal: one embedded H2 file shared by three nodes. */
class ClusterOwnershipH2Test {
  @TempDir Path dir;

  @Test
  void allocationsSurviveACrashAndAGracefulLeaveUnchanged() throws Exception {
    try {
      new ClusterOwnershipScenario().run(new NodeSettings.Journal.H2(dir.resolve("journal")));
    } finally {
      // The journal closes a second after its nodes stop: before JUnit deletes the directory.
      TestNodes.awaitH2Closed(dir);
    }
  }
}
