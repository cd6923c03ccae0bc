package io.herald.k8s.decision;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of a string's UTF-8 bytes, for the hashes every node must compute alike (Layer 2
 * election, status ownership, object names). One digest per thread: looking one up through the
 * security providers costs more than hashing a Service key, and these run for every Service event.
 */
public final class Sha256 {

  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  });

  private Sha256() {}

  /** The 32-byte digest of {@code text} in UTF-8. */
  public static byte[] of(String text) {
    // digest() resets the digest for the next use on this thread
    return DIGEST.get().digest(text.getBytes(StandardCharsets.UTF_8));
  }
}
