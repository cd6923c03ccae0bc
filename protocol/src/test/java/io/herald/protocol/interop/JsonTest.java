package io.herald.protocol.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void parsesEveryKindOfValue() {
    Object v = Json.parse(" {\"a\": [1, -2, 3.5, true, false, null], \"s\": \"x\\\"\\u00e9\\n\", \"o\": {}} ");
    assertThat(Json.at(v, "a").map(Json::array).orElseThrow())
        .containsExactly(1L, -2L, 3.5, true, false, null);
    assertThat(Json.at(v, "s")).contains("x\"é\n");
    assertThat(Json.object(Json.at(v, "o").orElseThrow())).isEmpty();
    assertThat(Json.at(v, "missing", "deeper")).isEmpty();
  }

  @Test
  void largeUnsignedNumbersStayExact() {
    assertThat(Json.parse("4294967295")).isEqualTo(4294967295L);
  }

  @Test
  void parseAllReadsConcatenatedDocuments() {
    assertThat(Json.parseAll("{\"a\":1}\n{\n}\n[2]")).hasSize(3);
    assertThat(Json.parseAll("  \n")).isEmpty();
  }

  @Test
  void rejectsMalformedText() {
    for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "tru", "\"open", "1 2", "{\"a\":1,}", "-")) {
      assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  /** Seeded random documents survive write-then-parse unchanged. */
  @Test
  void randomDocumentsRoundTrip() {
    Random random = new Random(20261126L);
    for (int i = 0; i < 500; i++) {
      Object doc = randomValue(random, 0);
      assertThat(Json.parse(write(doc))).as(write(doc)).isEqualTo(doc);
    }
  }

  private static Object randomValue(Random r, int depth) {
    int kind = depth > 3 ? r.nextInt(4) : r.nextInt(6);
    return switch (kind) {
      case 0 -> r.nextLong();
      case 1 -> r.nextBoolean();
      case 2 -> null;
      case 3 -> randomString(r);
      case 4 -> {
        List<Object> l = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          l.add(randomValue(r, depth + 1));
        }
        yield l;
      }
      default -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          m.put(randomString(r), randomValue(r, depth + 1));
        }
        yield m;
      }
    };
  }

  private static String randomString(Random r) {
    StringBuilder sb = new StringBuilder();
    for (int i = r.nextInt(8); i > 0; i--) {
      sb.append((char) (r.nextBoolean() ? 0x20 + r.nextInt(0x5f) : r.nextInt(0x300)));
    }
    return sb.toString();
  }

  private static String write(Object v) {
    if (v instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      m.forEach((k, x) -> parts.add(write(k) + " : " + write(x)));
      return "{" + String.join(",\n", parts) + "}";
    }
    if (v instanceof List<?> l) {
      return "[ " + String.join(", ", l.stream().map(JsonTest::write).toList()) + " ]";
    }
    if (v instanceof String s) {
      StringBuilder sb = new StringBuilder("\"");
      for (char c : s.toCharArray()) {
        if (c == '"' || c == '\\') {
          sb.append('\\').append(c);
        } else if (c < 0x20) {
          sb.append(String.format("\\u%04x", (int) c));
        } else {
          sb.append(c);
        }
      }
      return sb.append('"').toString();
    }
    return String.valueOf(v);
  }
}
