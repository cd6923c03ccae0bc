package io.herald.protocol.codec;

import static io.herald.protocol.message.NotificationCode.BAD_BGP_IDENTIFIER;
import static io.herald.protocol.message.NotificationCode.OPEN_MESSAGE_ERROR;
import static io.herald.protocol.message.NotificationCode.UNACCEPTABLE_HOLD_TIME;
import static io.herald.protocol.message.NotificationCode.UNSUPPORTED_OPTIONAL_PARAMETER;
import static io.herald.protocol.message.NotificationCode.UNSUPPORTED_VERSION_NUMBER;

import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.message.Afi;
import io.herald.protocol.message.Capability;
import io.herald.protocol.message.Open;
import io.herald.protocol.message.Safi;
import io.herald.protocol.types.Asn;
import io.herald.protocol.types.Octets;
import io.herald.protocol.types.RouterId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * OPEN body (RFC 4271 §4.2), its Optional Parameters (RFC 5492 §4, extended form RFC 9072 §2)
 * and the capabilities we interpret:
 *
 * <pre>
 * +---------+-------------------+-----------+------------------+------------+------------+
 * | Version | My Autonomous Sys | Hold Time | BGP Identifier   | Opt Parm   | Optional   |
 * | (1)     | (2)               | (2)       | (4)              | Len (1)    | Parameters |
 * +---------+-------------------+-----------+------------------+------------+------------+
 * RFC 9072: Opt Parm Len 255, then Non-Ext OP Type 255, then a 2-octet length, and every
 * parameter carries a 2-octet length.
 * </pre>
 *
 * Peer AS and collision checks belong to the FSM, which knows the configuration.
 */
final class OpenCodec {
  private OpenCodec() {}

  /** Optional Parameter type for capabilities (RFC 5492 §4). */
  static final int PARAM_CAPABILITIES = 2;
  /** RFC 9072 §2: the Non-Ext OP Type that announces the extended format. */
  static final int PARAM_EXTENDED_LENGTH = 255;

  /** RFC 4271 §6.2: the data of 2/1 is the largest version we support, as 2 octets. */
  static final Octets SUPPORTED_VERSION = Octets.of(0, Open.VERSION);

  static Open decode(byte[] b, int off, int end) throws FrameException {
    int version = Wire.u8(b, off);
    if (version != Open.VERSION) {
      throw new FrameException(BgpError.reset(UNSUPPORTED_VERSION_NUMBER, SUPPORTED_VERSION,
          "version " + version));
    }
    int myAs = Wire.u16(b, off + 1);
    int hold = Wire.u16(b, off + 3);
    // RFC 4271 §6.2: a Hold Time of one or two seconds MUST be rejected.
    if (hold == 1 || hold == 2) {
      throw new FrameException(BgpError.reset(UNACCEPTABLE_HOLD_TIME, "hold time " + hold));
    }
    long id = Wire.u32(b, off + 5);
    if (id == 0) {
      // RFC 6286 §2.2: the BGP Identifier is a non-zero 4-octet value.
      throw new FrameException(BgpError.reset(BAD_BGP_IDENTIFIER, "BGP Identifier 0.0.0.0"));
    }
    int optLen = Wire.u8(b, off + 9);
    int pos = off + 10;
    List<Capability> caps = new ArrayList<>();
    if (optLen > 0 && pos < end && Wire.u8(b, pos) == PARAM_EXTENDED_LENGTH) {
      // RFC 9072 §2: Non-Ext OP Type 255 switches to 2-octet lengths whatever Opt Parm Len says.
      if (end - pos < 3) {
        throw malformed("truncated extended optional parameters length");
      }
      int extLen = Wire.u16(b, pos + 1);
      pos += 3;
      if (pos + extLen != end) {
        throw malformed("extended optional parameters length " + extLen + " does not match");
      }
      parameters(b, pos, end, 2, caps);
    } else {
      if (pos + optLen != end) {
        throw malformed("optional parameters length " + optLen + " does not match the message");
      }
      parameters(b, pos, end, 1, caps);
    }
    return new Open(version, myAs, hold, new RouterId(id), caps);
  }

  private static void parameters(byte[] b, int pos, int end, int lengthSize, List<Capability> caps)
      throws FrameException {
    while (pos < end) {
      if (end - pos < 1 + lengthSize) {
        throw malformed("truncated optional parameter");
      }
      int type = Wire.u8(b, pos);
      int len = lengthSize == 2 ? Wire.u16(b, pos + 1) : Wire.u8(b, pos + 1);
      pos += 1 + lengthSize;
      if (end - pos < len) {
        throw malformed("optional parameter " + type + " overruns");
      }
      if (type != PARAM_CAPABILITIES) {
        // RFC 4271 §6.2 (type 1, Authentication, is deprecated by RFC 5492 and not supported).
        throw new FrameException(BgpError.reset(UNSUPPORTED_OPTIONAL_PARAMETER,
            "optional parameter type " + type));
      }
      capabilities(b, pos, pos + len, caps);
      pos += len;
    }
  }

  /** RFC 5492 §4: code (1), length (1), value. */
  private static void capabilities(byte[] b, int pos, int end, List<Capability> caps)
      throws FrameException {
    while (pos < end) {
      if (end - pos < 2) {
        throw malformed("truncated capability");
      }
      int code = Wire.u8(b, pos);
      int len = Wire.u8(b, pos + 1);
      pos += 2;
      if (end - pos < len) {
        throw malformed("capability " + code + " overruns its parameter");
      }
      caps.add(capability(b, pos, len, code));
      pos += len;
    }
  }

  /**
   * One capability. One we interpret but cannot read (wrong length, unknown family) is kept as
   * {@link Capability.Unknown}: RFC 5492 §3 lets a speaker ignore what it does not understand,
   * and the FSM decides whether a required capability is really there.
   */
  static Capability capability(byte[] b, int off, int len, int code) {
    Capability.Unknown raw = new Capability.Unknown(code, Wire.slice(b, off, len));
    switch (code) {
      case Capability.MULTIPROTOCOL -> {
        // RFC 4760 §8: AFI (2), Reserved (1), SAFI (1).
        if (len != 4) {
          return raw;
        }
        Optional<AddressFamily> f = family(Wire.u16(b, off), Wire.u8(b, off + 3));
        return f.<Capability>map(Capability.Multiprotocol::new).orElse(raw);
      }
      case Capability.ROUTE_REFRESH -> {
        return len == 0 ? new Capability.RouteRefresh() : raw;
      }
      case Capability.ENHANCED_ROUTE_REFRESH -> {
        return len == 0 ? new Capability.EnhancedRouteRefresh() : raw;
      }
      case Capability.EXTENDED_MESSAGE -> {
        return len == 0 ? new Capability.ExtendedMessage() : raw;
      }
      case Capability.FOUR_OCTET_AS -> {
        return len == 4 ? new Capability.FourOctetAs(new Asn(Wire.u32(b, off))) : raw;
      }
      case Capability.GRACEFUL_RESTART -> {
        return gracefulRestart(b, off, len).orElse(raw);
      }
      default -> {
        return raw;
      }
    }
  }

  /**
   * RFC 4724 §3: Restart Flags (4 bits, R = 0x8) and Restart Time (12 bits), then per family
   * AFI (2), SAFI (1), Flags for Address Family (1, F = 0x80). Families we do not know are
   * skipped: they cannot be negotiated anyway.
   */
  private static Optional<Capability> gracefulRestart(byte[] b, int off, int len) {
    if (len < 2 || (len - 2) % 4 != 0) {
      return Optional.empty();
    }
    int head = Wire.u16(b, off);
    boolean restarting = (head & 0x8000) != 0;
    int time = head & 0x0FFF;
    List<Capability.GracefulRestart.Family> families = new ArrayList<>();
    for (int p = off + 2; p < off + len; p += 4) {
      Optional<AddressFamily> f = family(Wire.u16(b, p), Wire.u8(b, p + 2));
      if (f.isPresent()) {
        families.add(new Capability.GracefulRestart.Family(f.get(), (b[p + 3] & 0x80) != 0));
      }
    }
    return Optional.of(new Capability.GracefulRestart(restarting, time, families));
  }

  private static Optional<AddressFamily> family(int afi, int safi) {
    Optional<Afi> a = Afi.fromCode(afi);
    Optional<Safi> s = Safi.fromCode(safi);
    if (a.isEmpty() || s.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new AddressFamily(a.get(), s.get()));
  }

  /** RFC 4271 §6.2: a recognized but malformed optional parameter is 2/0 (Unspecific). */
  private static FrameException malformed(String detail) {
    return new FrameException(BgpError.reset(OPEN_MESSAGE_ERROR, detail));
  }

  // ---------------------------------------------------------------- encoding

  /**
   * Writes the body. All capabilities go in Capabilities parameters of at most 255 octets each;
   * when the parameters together exceed 255 octets the RFC 9072 extended form is used.
   */
  static void encode(Open o, ByteBuf out) {
    out.writeByte(o.version());
    out.writeShort(o.myAutonomousSystem());
    out.writeShort(o.holdTimeSeconds());
    out.writeInt((int) o.bgpIdentifier().value());
    ByteBuf caps = Unpooled.buffer();
    try {
      List<Integer> bounds = new ArrayList<>(); // end offsets of each capability in caps
      for (Capability c : o.capabilities()) {
        writeCapability(c, caps);
        bounds.add(caps.writerIndex());
      }
      // Each Capabilities parameter holds at most 255 octets; a capability that cannot fit one
      // on its own needs the extended form.
      boolean extended = false;
      List<int[]> groups = new ArrayList<>(); // [from, to) of each non-extended parameter
      int start = 0;
      int prev = 0;
      for (int e : bounds) {
        extended |= e - prev > 255;
        if (e - start > 255) {
          groups.add(new int[] {start, prev});
          start = prev;
        }
        prev = e;
      }
      if (prev > start) {
        groups.add(new int[] {start, prev});
      }
      int params = 0;
      for (int[] g : groups) {
        params += 2 + (g[1] - g[0]);
      }
      if (!extended && params <= 255) {
        out.writeByte(params);
        for (int[] g : groups) {
          out.writeByte(PARAM_CAPABILITIES);
          out.writeByte(g[1] - g[0]);
          out.writeBytes(caps, g[0], g[1] - g[0]);
        }
      } else {
        int capLen = caps.readableBytes();
        out.writeByte(255);
        out.writeByte(PARAM_EXTENDED_LENGTH);
        out.writeShort(3 + capLen);
        out.writeByte(PARAM_CAPABILITIES);
        out.writeShort(capLen);
        out.writeBytes(caps, 0, capLen);
      }
    } finally {
      caps.release();
    }
  }

  static void writeCapability(Capability c, ByteBuf out) {
    out.writeByte(c.code());
    int lenAt = out.writerIndex();
    out.writeByte(0);
    if (c instanceof Capability.Multiprotocol m) {
      out.writeShort(m.family().afi().code());
      out.writeByte(0);
      out.writeByte(m.family().safi().code());
    } else if (c instanceof Capability.FourOctetAs a) {
      out.writeInt((int) a.asn().value());
    } else if (c instanceof Capability.GracefulRestart g) {
      out.writeShort((g.restartState() ? 0x8000 : 0) | g.restartTimeSeconds());
      for (Capability.GracefulRestart.Family f : g.families()) {
        out.writeShort(f.family().afi().code());
        out.writeByte(f.family().safi().code());
        out.writeByte(f.forwardingState() ? 0x80 : 0);
      }
    } else if (c instanceof Capability.Unknown u) {
      out.writeBytes(u.value().toByteArray());
    }
    // RouteRefresh, EnhancedRouteRefresh and ExtendedMessage have no value.
    int len = out.writerIndex() - lenAt - 1;
    if (len > 255) {
      throw new IllegalArgumentException("capability " + c.code() + " value of " + len + " octets");
    }
    out.setByte(lenAt, len);
  }
}
