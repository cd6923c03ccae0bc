package io.herald.protocol.codec;

import static io.herald.protocol.message.NotificationCode.BAD_MESSAGE_LENGTH;
import static io.herald.protocol.message.NotificationCode.BAD_MESSAGE_TYPE;
import static io.herald.protocol.message.NotificationCode.CONNECTION_NOT_SYNCHRONIZED;
import static io.herald.protocol.message.NotificationCode.ROUTE_REFRESH_INVALID_MESSAGE_LENGTH;

import io.herald.protocol.message.Keepalive;
import io.herald.protocol.message.MessageType;
import io.herald.protocol.message.Notification;
import io.herald.protocol.message.NotificationCode;
import io.herald.protocol.message.RouteRefresh;
import io.herald.protocol.types.Octets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decodes one complete BGP message (header included) into an {@link Inbound}. Peer bytes are
 * hostile: this never throws. Every violation becomes {@link Inbound.Malformed} (the session
 * sends its NOTIFICATION and closes) or an issue inside {@link Inbound.Message} (RFC 7606
 * treat-as-withdraw or attribute discard), with the code, subcode and data field RFC 4271 §6
 * prescribes.
 *
 * <p>The header (RFC 4271 §4.1):
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                     Marker (16 octets of 0xff)                +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Length               |      Type     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc4271#section-6">RFC 4271 §6</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7606">RFC 7606</a>
 */
public final class MessageDecoder {
  public static final int MARKER_LENGTH = 16;
  public static final int HEADER_LENGTH = 19;
  /** Minimum lengths per type (RFC 4271 §4.2-4.5, RFC 2918 §3). */
  public static final int MIN_OPEN_LENGTH = 29;
  public static final int MIN_UPDATE_LENGTH = 23;
  public static final int MIN_NOTIFICATION_LENGTH = 21;
  public static final int KEEPALIVE_LENGTH = 19;
  public static final int ROUTE_REFRESH_LENGTH = 23;

  private static final AtomicLong BUGS = new AtomicLong();

  private MessageDecoder() {}

  /**
   * How many frames hit an unexpected exception inside the decoder since the JVM started (the
   * {@code bgp_decoder_bug_total} metric). Each one was answered with a session reset; any
   * non-zero value is a decoder bug.
   */
  public static long decoderBugCount() {
    return BUGS.get();
  }

  /** Decodes the readable bytes of {@code frame}; neither its indices nor its refCnt change. */
  public static Inbound decode(ByteBuf frame, CodecContext ctx) {
    return decode(ByteBufUtil.getBytes(frame), ctx);
  }

  /** Decodes one whole message, header included; never throws. */
  public static Inbound decode(byte[] frame, CodecContext ctx) {
    try {
      return decodeFrame(frame, ctx);
    } catch (FrameException e) {
      return new Inbound.Malformed(e.error());
    } catch (RuntimeException e) {
      return bug(frame, e);
    }
  }

  /**
   * The path for an exception the codec did not expect (STYLE §3.7): count it and reset with the
   * generic code of the section being decoded.
   */
  static Inbound.Malformed bug(byte[] frame, RuntimeException e) {
    BUGS.incrementAndGet();
    NotificationCode code = NotificationCode.MESSAGE_HEADER_ERROR;
    if (frame != null && frame.length > HEADER_LENGTH) {
      code = switch (frame[18]) {
        case 1 -> NotificationCode.OPEN_MESSAGE_ERROR;
        case 2 -> NotificationCode.UPDATE_MESSAGE_ERROR;
        case 5 -> NotificationCode.ROUTE_REFRESH_MESSAGE_ERROR;
        default -> NotificationCode.MESSAGE_HEADER_ERROR;
      };
    }
    return new Inbound.Malformed(BgpError.reset(code, "decoder bug: " + e));
  }

  private static Inbound decodeFrame(byte[] b, CodecContext ctx) throws FrameException {
    if (b.length < HEADER_LENGTH) {
      // Not a whole header: report the length we were given, as the Length field would be.
      int length = b.length >= 18 ? Wire.u16(b, 16) : b.length;
      throw new FrameException(BgpError.reset(BAD_MESSAGE_LENGTH, Octets.ofUnsignedShort(length),
          "frame of " + b.length + " octets"));
    }
    for (int i = 0; i < MARKER_LENGTH; i++) {
      if (b[i] != (byte) 0xff) {
        // RFC 4271 §6.1: Connection Not Synchronized, no data.
        throw new FrameException(BgpError.reset(CONNECTION_NOT_SYNCHRONIZED, "marker not all ones"));
      }
    }
    int length = Wire.u16(b, 16);
    int typeCode = Wire.u8(b, 18);
    int overallMax = ctx.extendedMessage()
        ? CodecContext.MAX_EXTENDED_MESSAGE_LENGTH : CodecContext.MAX_MESSAGE_LENGTH;
    if (length < HEADER_LENGTH || length > overallMax || length != b.length) {
      throw badLength(length);
    }
    MessageType type = MessageType.fromCode(typeCode).orElse(null);
    if (type == null) {
      // RFC 4271 §6.1: data is the Type field.
      throw new FrameException(BgpError.reset(BAD_MESSAGE_TYPE, Octets.of(typeCode),
          "message type " + typeCode));
    }
    boolean lengthOk = switch (type) {
      case OPEN -> length >= MIN_OPEN_LENGTH;
      case UPDATE -> length >= MIN_UPDATE_LENGTH;
      case NOTIFICATION -> length >= MIN_NOTIFICATION_LENGTH;
      case KEEPALIVE -> length == KEEPALIVE_LENGTH;
      // A longer ROUTE-REFRESH is a ROUTE-REFRESH error (RFC 7313 §5), handled below.
      case ROUTE_REFRESH -> length >= ROUTE_REFRESH_LENGTH;
    };
    if (!lengthOk || length > ctx.maxLength(type)) {
      throw badLength(length);
    }
    int body = HEADER_LENGTH;
    return switch (type) {
      case OPEN -> Inbound.Message.clean(OpenCodec.decode(b, body, length));
      case UPDATE -> UpdateCodec.decode(b, body, length, ctx);
      case NOTIFICATION -> Inbound.Message.clean(new Notification(Wire.u8(b, body),
          Wire.u8(b, body + 1), Wire.slice(b, body + 2, length - body - 2)));
      case KEEPALIVE -> Inbound.Message.clean(Keepalive.INSTANCE);
      case ROUTE_REFRESH -> routeRefresh(b, length);
    };
  }

  /**
   * RFC 2918 §3 / RFC 7313 §3.2: AFI (2), Message Subtype (1), SAFI (1). We negotiate no ORF
   * (RFC 5291), so anything longer is 7/1 with the whole message as data (RFC 7313 §5).
   * Unknown subtypes are returned as-is: the receiver must ignore them (RFC 7313 §3.2).
   */
  private static Inbound routeRefresh(byte[] b, int length) throws FrameException {
    if (length != ROUTE_REFRESH_LENGTH) {
      throw new FrameException(BgpError.reset(ROUTE_REFRESH_INVALID_MESSAGE_LENGTH,
          Octets.copyOf(b), "ROUTE-REFRESH of " + length + " octets"));
    }
    return Inbound.Message.clean(new RouteRefresh(Wire.u16(b, 19), Wire.u8(b, 22),
        Wire.u8(b, 21)));
  }

  /** RFC 4271 §6.1: Bad Message Length, data is the erroneous Length field. */
  private static FrameException badLength(int length) {
    return new FrameException(BgpError.reset(BAD_MESSAGE_LENGTH, Octets.ofUnsignedShort(length),
        "length " + length));
  }
}
