package io.herald.protocol.codec;

/**
 * An early exit from decoding one frame with the error that ends it (almost always a session
 * reset). Checked and package-private: it never leaves {@link MessageDecoder}, whose public entry
 * turns it into {@link Inbound.Malformed}.
 */
final class FrameException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient BgpError error;

  FrameException(BgpError error) {
    super(error.detail(), null, false, false); // no stack trace: this is a normal outcome
    this.error = error;
  }

  BgpError error() {
    return error;
  }
}
