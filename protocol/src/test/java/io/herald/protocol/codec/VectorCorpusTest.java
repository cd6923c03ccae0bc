package io.herald.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.protocol.message.MessageType;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Replays every annotated vector under {@code vectors/} and checks the annotated outcome. */
class VectorCorpusTest {
  static List<Vector> vectors() {
    return Vector.loadAll("vectors");
  }

  static List<Vector> validVectors() {
    return vectors().stream().filter(v -> v.expect().ok()).toList();
  }

  @Test
  void corpusHasAtLeastFortyEntriesMostlyMalformed() {
    List<Vector> all = vectors();
    assertThat(all).hasSizeGreaterThanOrEqualTo(40);
    long malformed = all.stream().filter(v -> !v.expect().ok()).count();
    assertThat(malformed * 2).isGreaterThan(all.size());
  }

  @Test
  void corpusCoversEveryMessageTypeAndEveryAction() {
    Map<Integer, Long> byType = vectors().stream().filter(v -> v.bytes().length > 18)
        .collect(Collectors.groupingBy(v -> v.bytes()[18] & 0xff, Collectors.counting()));
    for (MessageType t : MessageType.values()) {
      assertThat(byType).containsKey(t.code());
    }
    assertThat(vectors().stream().filter(v -> !v.expect().ok()).map(v -> v.expect().action())
        .distinct()).contains(ErrorAction.SESSION_RESET, ErrorAction.TREAT_AS_WITHDRAW,
            ErrorAction.ATTRIBUTE_DISCARD);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void decodesAsAnnotated(Vector v) {
    Inbound result = MessageDecoder.decode(v.bytes(), v.context());
    assertThat(Vector.Expectation.of(result)).as(v.source()).isEqualTo(v.expect());
  }

  /**
   * A valid message re-encoded decodes to the same record. (The bytes may differ: a short value
   * sent with the Extended Length bit, capabilities split over several parameters.)
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("validVectors")
  void validMessagesSurviveReencoding(Vector v) {
    Inbound.Message first = (Inbound.Message) MessageDecoder.decode(v.bytes(), v.context());
    byte[] again = MessageEncoder.encode(first.message(), v.context());
    assertThat(MessageDecoder.decode(again, v.context())).isEqualTo(first);
  }
}
