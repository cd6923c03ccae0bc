package io.herald.e2e;

import java.util.Set;

/**
 * The lab's upstream router in the router namespace: a real BGP daemon that installs ECMP routes
 * into that namespace's kernel FIB. It peers with every node (eBGP, AS {@value #ASN} to
 * {@value #NODE_ASN}).
 */
interface Router extends AutoCloseable {
  int ASN = 64500;
  int NODE_ASN = 64501;

  String kind();

  void start();

  /** Stops the daemon(s) (SIGTERM, then SIGKILL). */
  void stop();

  default void restart() {
    stop();
    start();
  }

  boolean established(String neighbor);

  /** The prefixes received from {@code neighbor} and accepted (its Adj-RIB-In after policy). */
  Set<String> prefixesFrom(String neighbor);

  @Override
  default void close() {
    stop();
  }
}
