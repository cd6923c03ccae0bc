package io.herald.node.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of the BIRD router: choosing its addresses and writing its configuration. */
class BirdRouterTest {

  @Test
  void takesTheFirstDocumentationBlockThatNothingOnTheMachineTouches() {
    assertThat(BirdRouter.freeBlock("1: lo    inet 127.0.0.1/8 scope host lo\n"
        + "default via 10.0.0.1 dev eth0\n10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.2\n"))
        .hasValue("192.0.2.0");
  }

  @Test
  void skipsEveryBlockOverlappingAnAddressOrARoute() {
    // As on a machine whose own network is 192.0.2.0/24, with another test's /30 in 198.51.100.0/24.
    String ip = "2: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\n"
        + "default via 192.0.2.1 dev eth0\n"
        + "192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2\n"
        + "198.51.100.0/30 dev he2e proto kernel scope link src 198.51.100.1\n"
        + "198.51.100.17 via 198.51.100.2 dev he2e\n";
    assertThat(BirdRouter.freeBlock(ip)).hasValue("198.51.100.32");
    assertThat(BirdRouter.routerAddress("198.51.100.32")).isEqualTo("198.51.100.33");
    assertThat(BirdRouter.sourceAddress("198.51.100.32", 2)).isEqualTo("198.51.100.45");
  }

  @Test
  void noBlockWhenBothRangesAreTaken() {
    assertThat(BirdRouter.freeBlock("192.0.2.0/24 dev a\n198.51.100.0/24 dev b\n")).isEmpty();
  }

  @Test
  void birdGetsOnePassiveSessionPerNodeAndNoKernelProtocol() {
    String conf = BirdRouter.config("192.0.2.1", List.of(new DemoConfig.Node("node-a", "192.0.2.11"),
        new DemoConfig.Node("node-b", "192.0.2.12")), 64500, 64501, Path.of("/tmp/x"));
    assertThat(conf).contains("local 192.0.2.1 as 64500;").contains("passive on;")
        .contains("protocol bgp node_a from herald_node").contains("neighbor 192.0.2.11 as 64501;")
        .contains("protocol bgp node_b from herald_node").contains("neighbor 192.0.2.12 as 64501;")
        .doesNotContain("protocol kernel");
  }
}
