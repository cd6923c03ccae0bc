package io.herald.protocol.interop;

import java.util.List;
import java.util.Objects;

/**
 * One route as a router holds it after receiving it from a neighbor: the attributes a test asserts
 * on, in one form whichever router printed them. Prefixes and next hops are canonical
 * ({@link Addresses}); communities are {@code "a:b"} (RFC 1997), large communities {@code "a:b:c"}
 * (RFC 8092).
 *
 * @param localPref LOCAL_PREF, or null when the router shows none (eBGP)
 * @param med MULTI_EXIT_DISC, or null when absent
 * @param origin ORIGIN, or null when the router did not show it
 */
public record ReceivedRoute(String prefix, String nextHop, List<Long> asPath, Long localPref, Long med,
    List<String> communities, List<String> largeCommunities, Origin origin) {

  /** ORIGIN values, RFC 4271 §5.1.1. */
  public enum Origin {
    IGP, EGP, INCOMPLETE;

    /** Parses "IGP", "igp", "i", "Incomplete", "?" and the wire codes 0, 1, 2. */
    public static Origin parse(String text) {
      return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "igp", "i", "0" -> IGP;
        case "egp", "e", "1" -> EGP;
        case "incomplete", "?", "2" -> INCOMPLETE;
        default -> throw new IllegalArgumentException("unknown ORIGIN " + text);
      };
    }
  }

  public ReceivedRoute {
    Objects.requireNonNull(prefix, "prefix");
    asPath = List.copyOf(asPath);
    communities = List.copyOf(communities);
    largeCommunities = List.copyOf(largeCommunities);
  }

  public boolean isIpv6() {
    return prefix.indexOf(':') >= 0;
  }
}
