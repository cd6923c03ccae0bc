package io.herald.protocol.message;

import io.herald.protocol.types.Asn;
import io.herald.protocol.types.Octets;
import java.util.List;
import java.util.Objects;

/** A capability advertised in OPEN (RFC 5492). Unknown ones are kept opaque, never rejected. */
public sealed interface Capability {
  /** The IANA capability code. */
  int code();

  int MULTIPROTOCOL = 1;
  int ROUTE_REFRESH = 2;
  int EXTENDED_MESSAGE = 6;
  int GRACEFUL_RESTART = 64;
  int FOUR_OCTET_AS = 65;
  int ENHANCED_ROUTE_REFRESH = 70;

  /** RFC 4760 §8. */
  record Multiprotocol(AddressFamily family) implements Capability {
    public Multiprotocol {
      Objects.requireNonNull(family, "family");
    }

    @Override
    public int code() {
      return MULTIPROTOCOL;
    }
  }

  /** RFC 2918 §2. */
  record RouteRefresh() implements Capability {
    @Override
    public int code() {
      return ROUTE_REFRESH;
    }
  }

  /** RFC 7313 §3. */
  record EnhancedRouteRefresh() implements Capability {
    @Override
    public int code() {
      return ENHANCED_ROUTE_REFRESH;
    }
  }

  /** RFC 8654 §3: messages other than OPEN and KEEPALIVE may be up to 65535 octets. */
  record ExtendedMessage() implements Capability {
    @Override
    public int code() {
      return EXTENDED_MESSAGE;
    }
  }

  /** RFC 6793 §3: the speaker's real (4-octet) AS number. */
  record FourOctetAs(Asn asn) implements Capability {
    public FourOctetAs {
      Objects.requireNonNull(asn, "asn");
    }

    @Override
    public int code() {
      return FOUR_OCTET_AS;
    }
  }

  /**
   * RFC 4724 §3. {@code restartState} is the R bit (we have just restarted); each family's
   * {@code forwardingState} is its F bit (forwarding was preserved across the restart).
   */
  record GracefulRestart(boolean restartState, int restartTimeSeconds, List<Family> families)
      implements Capability {
    public GracefulRestart {
      if (restartTimeSeconds < 0 || restartTimeSeconds > 4095) {
        throw new IllegalArgumentException("restart time is 12 bits: " + restartTimeSeconds);
      }
      families = List.copyOf(families);
    }

    public record Family(AddressFamily family, boolean forwardingState) {
      public Family {
        Objects.requireNonNull(family, "family");
      }
    }

    @Override
    public int code() {
      return GRACEFUL_RESTART;
    }
  }

  /** Any capability we do not interpret, or one whose value we could not read; kept as sent. */
  record Unknown(int code, Octets value) implements Capability {
    public Unknown {
      if (code < 0 || code > 255) {
        throw new IllegalArgumentException("capability code " + code);
      }
      Objects.requireNonNull(value, "value");
    }
  }
}
