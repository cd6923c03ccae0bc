package io.herald.protocol.message;

import io.herald.protocol.types.Octets;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * NOTIFICATION (RFC 4271 §4.5). Code and subcode stay raw ints so that any value a peer sends can
 * be logged; {@link #knownCode()} maps them when we know the pair.
 */
public record Notification(int code, int subcode, Octets data) implements BgpMessage {
  /** RFC 9003 §2: the shutdown communication is at most 255 octets of UTF-8. */
  public static final int MAX_SHUTDOWN_COMMUNICATION = 255;

  public Notification {
    if (code < 0 || code > 255 || subcode < 0 || subcode > 255) {
      throw new IllegalArgumentException("code/subcode are one octet: " + code + "/" + subcode);
    }
    Objects.requireNonNull(data, "data");
  }

  public static Notification of(NotificationCode code, Octets data) {
    return new Notification(code.code(), code.subcode(), data);
  }

  public static Notification of(NotificationCode code) {
    return of(code, Octets.EMPTY);
  }

  /**
   * Cease with a shutdown communication (RFC 9003 §2): a length octet then UTF-8 text, for
   * Administrative Shutdown (6/2) and Administrative Reset (6/4). The text is truncated at a
   * character boundary so that it fits 255 octets.
   */
  public static Notification ceaseWithText(NotificationCode cease, String text) {
    if (cease != NotificationCode.CEASE_ADMINISTRATIVE_SHUTDOWN
        && cease != NotificationCode.CEASE_ADMINISTRATIVE_RESET) {
      throw new IllegalArgumentException("shutdown communication only for 6/2 and 6/4: " + cease);
    }
    byte[] utf8 = truncateUtf8(text, MAX_SHUTDOWN_COMMUNICATION);
    byte[] data = new byte[utf8.length + 1];
    data[0] = (byte) utf8.length;
    System.arraycopy(utf8, 0, data, 1, utf8.length);
    return of(cease, Octets.copyOf(data));
  }

  private static byte[] truncateUtf8(String text, int max) {
    byte[] all = text.getBytes(StandardCharsets.UTF_8);
    if (all.length <= max) {
      return all;
    }
    int end = max;
    while (end > 0 && (all[end] & 0xC0) == 0x80) { // do not cut inside a multi-byte character
      end--;
    }
    byte[] out = new byte[end];
    System.arraycopy(all, 0, out, 0, end);
    return out;
  }

  @Override
  public MessageType type() {
    return MessageType.NOTIFICATION;
  }

  public Optional<NotificationCode> knownCode() {
    return NotificationCode.of(code, subcode);
  }

  /**
   * The RFC 9003 shutdown communication of a 6/2 or 6/4, when the data field holds a well-formed
   * one (length octet within the data, valid UTF-8); empty otherwise.
   */
  public Optional<String> shutdownCommunication() {
    if (code != 6 || (subcode != 2 && subcode != 4) || data.length() == 0) {
      return Optional.empty();
    }
    int len = data.get(0);
    if (len == 0 || len + 1 > data.length()) {
      return Optional.empty();
    }
    byte[] text = new byte[len];
    for (int i = 0; i < len; i++) {
      text[i] = (byte) data.get(i + 1);
    }
    var decoder = StandardCharsets.UTF_8.newDecoder();
    try {
      return Optional.of(decoder.decode(java.nio.ByteBuffer.wrap(text)).toString());
    } catch (java.nio.charset.CharacterCodingException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    String name = knownCode().map(NotificationCode::name).orElse("UNKNOWN");
    String text = shutdownCommunication().map(t -> " \"" + t + "\"").orElse("");
    return "Notification[" + code + "/" + subcode + " " + name + text + " data=" + data + "]";
  }
}
