package io.herald.node.cluster;

import io.herald.node.NodeSettings;
import io.herald.node.PostgresServer;
import org.junit.jupiter.api.Test;

/**
 * The concurrent-Services scenario on a real PostgreSQL (Debian's server, started privately by the
 * test): the shared journal a production cluster uses.
 */
class ConcurrentServicesPostgresIT {
  @Test
  void aThousandConcurrentServicesGetDistinctAddressesThatSurviveACrashAndAFullRestart() throws Exception {
    try (PostgresServer pg = PostgresServer.startOrSkip("herald")) {
      new ConcurrentServicesScenario(ConcurrentServicesScenario.FIRST_WAVE, ConcurrentServicesScenario.SECOND_WAVE).run(new NodeSettings.Journal.Postgres(pg.jdbcUrl("herald")));
    }
  }
}
