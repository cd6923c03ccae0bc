package io.herald.protocol.codec;

import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.types.Octets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One annotated test vector: {@code # source:} provenance, an optional {@code # context:} (the
 * session: {@code as2} or {@code as4}, {@code extended}, {@code ipv4-only}), an {@code # expect:}
 * line, then hex with {@code #} comments.
 */
record Vector(String name, String source, CodecContext context, Expectation expect, byte[] bytes) {

  static List<Vector> loadAll(String resourceDir) {
    URL url = Vector.class.getClassLoader().getResource(resourceDir);
    if (url == null) {
      throw new IllegalStateException("no test resource directory " + resourceDir);
    }
    try (Stream<Path> files = Files.walk(Paths.get(url.toURI()))) {
      Path root = Paths.get(url.toURI());
      return files.filter(p -> p.toString().endsWith(".hex")).sorted()
          .map(p -> load(root.relativize(p).toString().replace('\\', '/'), p)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Vector load(String resource) {
    URL url = Vector.class.getClassLoader().getResource("vectors/" + resource);
    if (url == null) {
      throw new IllegalStateException("no vector " + resource);
    }
    try {
      return load(resource, Paths.get(url.toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Vector load(String name, Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String source = null;
    String expect = null;
    CodecContext ctx = context("as4");
    StringBuilder hex = new StringBuilder();
    for (String line : lines) {
      String t = line.strip();
      if (t.startsWith("#")) {
        String c = t.substring(1).strip();
        if (c.startsWith("source:")) {
          source = c.substring(7).strip();
        } else if (c.startsWith("expect:")) {
          expect = c.substring(7).strip();
        } else if (c.startsWith("context:")) {
          ctx = context(c.substring(8).strip());
        }
        continue;
      }
      int hash = t.indexOf('#');
      hex.append((hash >= 0 ? t.substring(0, hash) : t).replaceAll("\\s+", ""));
    }
    if (source == null || expect == null) {
      throw new IllegalStateException(name + ": needs # source: and # expect: lines");
    }
    return new Vector(name, source, ctx, Expectation.parse(expect),
        HexFormat.of().parseHex(hex.toString()));
  }

  private static CodecContext context(String text) {
    Set<String> words = Set.of(text.toLowerCase(Locale.ROOT).split("\\s+"));
    boolean as4 = !words.contains("as2");
    Set<AddressFamily> families = words.contains("ipv4-only")
        ? Set.of(AddressFamily.IPV4_UNICAST)
        : Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST);
    return new CodecContext(as4, words.contains("extended"), families);
  }

  @Override
  public String toString() {
    return name;
  }

  /** "ok", or an error: code, subcode, action and data field. */
  record Expectation(boolean ok, int code, int subcode, ErrorAction action, Octets data) {
    static final Expectation OK = new Expectation(true, 0, 0, null, Octets.EMPTY);

    static Expectation parse(String text) {
      if (text.equals("ok")) {
        return OK;
      }
      String[] words = text.split("\\s+", 4);
      if (words.length < 3 || !words[0].equals("error")) {
        throw new IllegalArgumentException("bad expect line: " + text);
      }
      String[] cs = words[1].split("/");
      Octets data = Octets.EMPTY;
      if (words.length == 4) {
        if (!words[3].startsWith("data=")) {
          throw new IllegalArgumentException("bad expect line: " + text);
        }
        data = Octets.fromHex(words[3].substring(5));
      }
      return new Expectation(false, Integer.parseInt(cs[0]), Integer.parseInt(cs[1]),
          ErrorAction.valueOf(words[2]), data);
    }

    /** What a decoding result looks like in these terms: for issues, the first strongest one. */
    static Expectation of(Inbound result) {
      if (result instanceof Inbound.Malformed m) {
        return of(m.error());
      }
      Inbound.Message msg = (Inbound.Message) result;
      if (msg.issues().isEmpty()) {
        return OK;
      }
      ErrorAction strongest = msg.strongestAction().orElseThrow();
      return of(msg.issues().stream().filter(i -> i.action() == strongest).findFirst()
          .orElseThrow());
    }

    static Expectation of(BgpError e) {
      return new Expectation(false, e.code().code(), e.code().subcode(), e.action(), e.data());
    }

    @Override
    public String toString() {
      return ok ? "ok" : "error " + code + "/" + subcode + " " + action + " data=" + data.toHex();
    }
  }
}
