package io.herald.protocol.netty;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Socket options of one BGP peering.
 *
 * @param sourceAddress the local address to bind before connecting (and the address passive
 *     sessions listen on when no explicit listen address is given)
 * @param md5Password the TCP MD5 signature key (RFC 2385), empty for none
 * @param ttl the IP TTL / IPv6 hop limit of our packets: 1 for directly connected eBGP, the
 *     multihop count otherwise; empty leaves the kernel default
 */
public record TcpSettings(
    Optional<InetAddress> sourceAddress, Optional<String> md5Password, OptionalInt ttl) {

  public static final TcpSettings DEFAULT =
      new TcpSettings(Optional.empty(), Optional.empty(), OptionalInt.empty());

  public TcpSettings {
    Objects.requireNonNull(sourceAddress, "sourceAddress");
    Objects.requireNonNull(md5Password, "md5Password");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isPresent() && (ttl.getAsInt() < 1 || ttl.getAsInt() > 255)) {
      throw new IllegalArgumentException("TTL must be 1..255, was " + ttl.getAsInt());
    }
    if (md5Password.isPresent() && (md5Password.get().isEmpty() || md5Password.get().length() > 80)) {
      // TCP_MD5SIG_MAXKEYLEN in linux/tcp.h is 80 octets.
      throw new IllegalArgumentException("MD5 password must be 1..80 characters");
    }
  }
}
