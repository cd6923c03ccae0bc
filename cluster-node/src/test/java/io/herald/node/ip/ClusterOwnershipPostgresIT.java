package io.herald.node.ip;

import io.herald.node.NodeSettings;
import io.herald.node.PostgresServer;
import org.junit.jupiter.api.Test;

/**
 * The ownership scenario on a real PostgreSQL (Debian's server, started privately by the test):
 * the shared journal a production cluster uses.
 */
class ClusterOwnershipPostgresIT {
  @Test
  void allocationsSurviveACrashAndAGracefulLeaveUnchanged() throws Exception {
    try (PostgresServer pg = PostgresServer.startOrSkip("herald")) {
      new ClusterOwnershipScenario().run(new NodeSettings.Journal.Postgres(pg.jdbcUrl("herald")));
    }
  }
}
