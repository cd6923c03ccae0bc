package io.herald.protocol.fsm;

/** How the shell frames a full-table send for one family (see {@link Action.AdvertiseTable}). */
public enum TableFraming {
  /**
   * The initial table after Established: send every desired route of the family, then that
   * family's End-of-RIB (RFC 4724 §2, {@code Update.endOfRib(family)}).
   */
  INITIAL,
  /** The peer asked for a re-send (RFC 2918 §4): send every desired route of the family again. */
  REFRESH,
  /**
   * A re-send with Enhanced Route Refresh (RFC 7313 §4): first ROUTE-REFRESH subtype BoRR, then
   * every desired route of the family, then ROUTE-REFRESH subtype EoRR.
   */
  ENHANCED_REFRESH
}
