package io.herald.protocol.rib;

import io.herald.protocol.message.AddressFamily;
import io.herald.protocol.types.Prefix;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Adj-RIB-Out of one peer (RFC 4271 §3.2): what we want the peer to have (desired) against
 * what we have sent it (advertised). Pure and single-threaded: the session actor owns it.
 *
 * <p>The owner always hands over the <em>complete</em> desired set ({@link #setDesired}), never a
 * delta; the difference to what was advertised is pending, and {@link #takePending} hands it out
 * in batches, marking each batch advertised. The owner stops taking while the channel is not
 * writable and resumes later; changes made meanwhile collapse, so a prefix that went A → B → A
 * while blocked is not sent at all.
 *
 * <p>Only prefixes of the session's negotiated families take part ({@link #sessionUp}): an IPv6
 * prefix is never pending on a session without IPv6 unicast. While no session is up nothing is
 * pending.
 *
 * <p>Attribute sets are interned: equal {@link PathAttributes} share one instance, so comparing
 * desired with advertised is mostly a reference check, and a batch groups prefixes by instance.
 * Cost: {@code setDesired} is O(desired + advertised) hash look-ups in node-free tables that are
 * reused across calls; {@code takePending} is O(batch).
 */
public final class AdjRibOut {
  /** Desired routes of every family; values are canonical instances. */
  private final PrefixTable<PathAttributes> desired = new PrefixTable<>();
  /** What the peer holds, per our sends: prefix → canonical attribute set. */
  private final PrefixTable<PathAttributes> advertised = new PrefixTable<>();
  /** Prefixes to send: desired differs from advertised, or a refresh asked to re-send. */
  private final PrefixTable<Boolean> pending = new PrefixTable<>();
  /** {@link #pending} in the order to send; may hold prefixes no longer pending (skipped). */
  private final ArrayDeque<Prefix> queue = new ArrayDeque<>();
  /** Prefixes a route refresh asked to send again although unchanged (RFC 2918 §4). */
  private final PrefixTable<Boolean> resend = new PrefixTable<>();
  /** Equal attribute sets → one canonical instance. */
  private final HashMap<PathAttributes, PathAttributes> interned = new HashMap<>();
  /** Instances seen in the current {@link #setDesired} call → canonical; usually a handful. */
  private final IdentityHashMap<PathAttributes, PathAttributes> canonicalOf = new IdentityHashMap<>();
  /**
   * Initial feed fast path: while nothing is advertised, pending is simply every eligible desired
   * prefix, so instead of copying them into {@link #pending} and {@link #queue} the batches walk
   * the desired table's slots from this cursor ({@code -1}: no sweep). While it runs, what was
   * sent is the eligible desired slots before the cursor, so the advertised table is not touched
   * per prefix; it becomes a copy of the desired table when the sweep ends (one array copy, not
   * one random insert per prefix). A new desired set during the sweep ends it, keeps what was
   * sent so far, and falls back to the general diff.
   */
  private int sweepSlot = -1;
  /** Eligible desired prefixes the sweep has not reached yet. */
  private int sweepRemaining;
  /** Eligible desired prefixes when the sweep began. */
  private int sweepTotal;
  /**
   * Withdraw-all fast path, the mirror of the initial sweep: when nothing is desired any more,
   * batches walk the advertised table's slots from this cursor ({@code -1}: none) instead of
   * queueing every prefix; entries before the cursor count as withdrawn, and the table is
   * cleared when the walk ends (or trimmed, if a new desired set interrupts it).
   */
  private int withdrawSlot = -1;
  private int withdrawRemaining;
  private int pruneThreshold = 256;
  /** Desired prefixes per family, kept by {@link #setDesired}: eligibility counts without a scan. */
  private int desiredIpv4;
  private int desiredIpv6;
  private boolean ipv4;
  private boolean ipv6;

  /**
   * A session reached Established with these negotiated families: nothing is advertised yet, so
   * every desired prefix of those families is pending.
   */
  public void sessionUp(Set<AddressFamily> families) {
    advertised.clear();
    resend.clear();
    ipv4 = families.contains(AddressFamily.IPV4_UNICAST);
    ipv6 = families.contains(AddressFamily.IPV6_UNICAST);
    recompute();
  }

  /** The session ended: the peer forgot everything, and nothing is pending until the next one. */
  public void sessionDown() {
    advertised.clear();
    resend.clear();
    clearPending();
    ipv4 = false;
    ipv6 = false;
  }

  /**
   * Replaces the desired set with {@code routes}: the complete set, not a change. The map is read
   * once and not kept.
   */
  public void setDesired(Map<Prefix, PathAttributes> routes) {
    setDesired(routes, (prefix, attributes) -> attributes);
  }

  /**
   * As {@link #setDesired(Map)}, with each route's attributes given by {@code attributes} applied
   * to its prefix and value (null: the route is left out). Saves the caller a copy of a large
   * table when its values are not yet wire attributes. The result may depend only on the value
   * and the prefix's family: it is computed once per run of equal value instance and family.
   */
  public <V> void setDesired(Map<Prefix, V> routes,
      java.util.function.BiFunction<Prefix, ? super V, PathAttributes> attributes) {
    endSweep();
    desired.clear();
    desiredIpv4 = 0;
    desiredIpv6 = 0;
    canonicalOf.clear();
    V lastSeen = null;
    boolean lastV6 = false;
    PathAttributes lastCanonical = null;
    for (Map.Entry<Prefix, V> e : routes.entrySet()) {
      V v = e.getValue();
      boolean v6 = e.getKey().isIpv6();
      if (v != lastSeen || v6 != lastV6 || lastSeen == null) { // most routes share one instance
        lastSeen = v;
        lastV6 = v6;
        PathAttributes a = attributes.apply(e.getKey(), v);
        lastCanonical = a == null ? null : canonical(a);
      }
      if (lastCanonical != null && desired.put(Objects.requireNonNull(e.getKey(), "prefix"), lastCanonical) == null) {
        countDesired(e.getKey(), +1);
      }
    }
    pruneInterned();
    recompute();
  }

  /**
   * Changes part of the desired set: each entry of {@code changes} replaces its prefix's desired
   * route, with attributes given by {@code attributes} as in {@link #setDesired(Map,
   * java.util.function.BiFunction)}; a null value (or null attributes) removes the prefix. The
   * rest of the desired set stays. Cost: O(changes), so a change of a few routes in a large table
   * does not pass over the table; only while an initial feed or a withdraw-all is being walked
   * does it fall back to the whole diff, once.
   */
  public <V> void changeDesired(Map<Prefix, V> changes,
      java.util.function.BiFunction<Prefix, ? super V, PathAttributes> attributes) {
    if (changes.isEmpty()) {
      return;
    }
    boolean walking = sweepSlot >= 0 || withdrawSlot >= 0;
    if (walking) {
      endSweep();
    }
    canonicalOf.clear();
    for (Map.Entry<Prefix, V> e : changes.entrySet()) {
      Prefix p = Objects.requireNonNull(e.getKey(), "prefix");
      int h = PrefixTable.hash(p);
      PathAttributes a = e.getValue() == null ? null : attributes.apply(p, e.getValue());
      if (a == null) {
        if (desired.remove(p) != null) {
          countDesired(p, -1);
        }
      } else if (desired.put(p, canonical(a), h) == null) {
        countDesired(p, +1);
      }
      if (!walking) {
        settle(p, h);
      }
    }
    pruneInterned();
    if (walking) {
      recompute();
    }
  }

  private void countDesired(Prefix p, int delta) {
    if (p.isIpv6()) {
      desiredIpv6 += delta;
    } else {
      desiredIpv4 += delta;
    }
  }

  /**
   * Pending for {@code p} := desired(p) ≠ advertised(p), or a refresh asked to re-send it; the
   * one-prefix form of {@link #recompute}.
   */
  private void settle(Prefix p, int h) {
    if (eligible(p) && !pendIfDiffers(p, h, desired.get(p, h)) && pending.size() > 0) {
      // Back to what the peer already has: nothing to send (its queue entry is skipped).
      pending.remove(p);
    }
  }

  /**
   * Marks {@code p} pending when what the peer holds differs from {@code d}, or a refresh asked
   * to send it again; whether it did.
   */
  private boolean pendIfDiffers(Prefix p, int h, PathAttributes d) {
    PathAttributes a = advertised.get(p, h);
    if (a != d && a != null && a.equals(d)) {
      advertised.put(p, d, h); // an older instance of an equal set: adopt the current one
      a = d;
    }
    if (a != d || (resend.size() > 0 && resend.containsKey(p, h))) {
      addPending(p, h);
      return true;
    }
    return false;
  }

  /**
   * Every desired route of {@code families}, grouped by attribute set, without changing any
   * state: what the initial feed of a session with those families will send, for packing it
   * before the session exists.
   */
  public Map<PathAttributes, List<Prefix>> desiredByAttributes(Set<AddressFamily> families) {
    boolean v4 = families.contains(AddressFamily.IPV4_UNICAST);
    boolean v6 = families.contains(AddressFamily.IPV6_UNICAST);
    IdentityHashMap<PathAttributes, List<Prefix>> groups = new IdentityHashMap<>();
    Map<PathAttributes, List<Prefix>> out = new LinkedHashMap<>();
    for (int s = 0; s < desired.capacity(); s++) {
      Prefix p = desired.keyAt(s);
      if (p == null || !(p.isIpv4() ? v4 : v6)) {
        continue;
      }
      PathAttributes a = desired.valueAt(s);
      List<Prefix> g = groups.get(a);
      if (g == null) {
        g = new ArrayList<>();
        groups.put(a, g);
        out.put(a, g);
      }
      g.add(p);
    }
    return out;
  }

  /** Whether every desired prefix belongs to one of {@code families}. */
  public boolean desiredWithin(Set<AddressFamily> families) {
    return (desiredIpv4 == 0 || families.contains(AddressFamily.IPV4_UNICAST))
        && (desiredIpv6 == 0 || families.contains(AddressFamily.IPV6_UNICAST));
  }

  /**
   * Right after {@link #sessionUp}, before anything was taken: the whole initial feed reached the
   * peer by other means (UPDATEs packed before the session from {@link #desiredByAttributes}).
   * Marks every eligible desired prefix advertised, as a completed sweep does.
   *
   * @return how many prefixes that was
   * @throws IllegalStateException when the initial feed has begun or other changes are pending
   */
  public int initialFeedSent() {
    if (pending.size() > 0 || withdrawRemaining > 0 || advertised.size() > 0
        || (sweepSlot >= 0 && sweepRemaining != sweepTotal)) {
      throw new IllegalStateException("not at the start of an initial feed");
    }
    int n = sweepTotal;
    if (sweepSlot >= 0) {
      sweepSlot = desired.capacity();
      sweepRemaining = 0;
      endSweep();
    }
    return n;
  }

  /** Everything desired in {@code family} is sent again (RFC 2918 §4 route refresh). */
  public void refresh(AddressFamily family) {
    if (!negotiated(family)) {
      return;
    }
    if (sweepSlot >= 0) {
      // The marks below need the advertised table itself; what the sweep has not reached yet
      // stays pending through the general diff.
      endSweep();
      recompute();
    }
    boolean v6 = family.equals(AddressFamily.IPV6_UNICAST);
    for (int s = 0; s < desired.capacity(); s++) {
      Prefix p = desired.keyAt(s);
      if (p != null && p.isIpv6() == v6 && advertised.containsKey(p)) {
        resend.put(p, Boolean.TRUE);
        addPending(p);
      }
    }
  }

  public boolean hasPending() {
    return pending.size() > 0 || sweepRemaining > 0 || withdrawRemaining > 0;
  }

  /** How many prefixes are pending (withdrawals and announcements). */
  public int pendingCount() {
    return pending.size() + sweepRemaining + withdrawRemaining;
  }

  /** How many prefixes the peer holds according to what we sent. */
  public int advertisedCount() {
    if (sweepSlot >= 0) {
      return advertised.size() + sweepTotal - sweepRemaining;
    }
    return withdrawSlot < 0 ? advertised.size() : withdrawRemaining;
  }

  /** The attribute set the peer holds for {@code prefix}, or null. */
  public PathAttributes advertised(Prefix prefix) {
    if (sweepSlot >= 0) {
      int slot = desired.slotOf(prefix);
      if (slot >= 0 && slot < sweepSlot && eligible(prefix)) {
        return desired.valueAt(slot);
      }
      return advertised.get(prefix);
    }
    if (withdrawSlot >= 0) {
      int slot = advertised.slotOf(prefix);
      return slot >= withdrawSlot ? advertised.valueAt(slot) : null;
    }
    return advertised.get(prefix);
  }

  /**
   * Up to {@code maxPrefixes} pending changes, marked advertised as they are returned: the caller
   * must send all of them. Announcements are grouped by attribute set.
   */
  public RibDelta takePending(int maxPrefixes) {
    if (maxPrefixes <= 0) {
      throw new IllegalArgumentException("maxPrefixes must be positive: " + maxPrefixes);
    }
    if (pending.size() == 0 && sweepRemaining == 0 && withdrawRemaining == 0) {
      return RibDelta.EMPTY;
    }
    if (sweepRemaining > 0 && pending.size() == 0) {
      return sweep(maxPrefixes);
    }
    if (withdrawRemaining > 0) {
      return withdrawSweep(maxPrefixes);
    }
    List<Prefix> withdrawn = new ArrayList<>();
    IdentityHashMap<PathAttributes, List<Prefix>> groups = new IdentityHashMap<>();
    List<PathAttributes> order = new ArrayList<>();
    PathAttributes lastKey = null;
    List<Prefix> lastGroup = null;
    int n = 0;
    while (n < maxPrefixes && !queue.isEmpty()) {
      Prefix p = queue.poll();
      if (pending.remove(p) == null) {
        continue; // queued earlier, no longer pending
      }
      n++;
      int h = PrefixTable.hash(p);
      if (resend.size() > 0) {
        resend.remove(p);
      }
      PathAttributes d = eligible(p) ? desired.get(p, h) : null;
      if (d == null) {
        if (advertised.remove(p) != null) {
          withdrawn.add(p);
        }
        continue;
      }
      advertised.put(p, d, h);
      if (d != lastKey) {
        lastKey = d;
        lastGroup = groups.get(d);
        if (lastGroup == null) {
          lastGroup = new ArrayList<>();
          groups.put(d, lastGroup);
          order.add(d);
        }
      }
      lastGroup.add(p);
    }
    Map<PathAttributes, List<Prefix>> announced = new LinkedHashMap<>();
    for (PathAttributes a : order) {
      announced.put(a, groups.get(a));
    }
    return new RibDelta(withdrawn, announced);
  }

  /** The next batch of the initial feed: desired slots from the cursor, grouped by attributes. */
  private RibDelta sweep(int maxPrefixes) {
    IdentityHashMap<PathAttributes, List<Prefix>> groups = new IdentityHashMap<>();
    Map<PathAttributes, List<Prefix>> announced = new LinkedHashMap<>();
    PathAttributes lastKey = null;
    List<Prefix> lastGroup = null;
    int n = 0;
    int s = sweepSlot;
    int capacity = desired.capacity();
    for (; s < capacity && n < maxPrefixes; s++) {
      Prefix p = desired.keyAt(s);
      if (p == null || !eligible(p)) {
        continue;
      }
      PathAttributes d = desired.valueAt(s);
      if (d != lastKey) {
        lastKey = d;
        lastGroup = groups.get(d);
        if (lastGroup == null) {
          lastGroup = new ArrayList<>();
          groups.put(d, lastGroup);
          announced.put(d, lastGroup);
        }
      }
      lastGroup.add(p);
      n++;
    }
    sweepSlot = s;
    sweepRemaining -= n;
    if (sweepRemaining <= 0 || s >= capacity) {
      sweepSlot = capacity; // every eligible desired prefix has been handed out
      endSweep();
    }
    return new RibDelta(List.of(), announced);
  }

  /**
   * Ends the initial sweep, if one runs: the prefixes it handed out (eligible desired slots
   * before the cursor) become the advertised table. When the sweep is complete and every desired
   * prefix is eligible, that is a copy of the desired table's arrays.
   */
  private void endSweep() {
    if (sweepSlot < 0) {
      return;
    }
    int end = Math.min(sweepSlot, desired.capacity());
    if (end == desired.capacity() && sweepTotal == desired.size() && advertised.size() == 0) {
      advertised.copyOf(desired);
    } else {
      for (int s = 0; s < end; s++) {
        Prefix p = desired.keyAt(s);
        if (p != null && eligible(p)) {
          advertised.put(p, desired.valueAt(s), desired.hashAt(s));
        }
      }
    }
    sweepSlot = -1;
    sweepRemaining = 0;
    sweepTotal = 0;
  }

  /** The next batch of a withdraw-all: advertised slots from the cursor. */
  private RibDelta withdrawSweep(int maxPrefixes) {
    List<Prefix> withdrawn = new ArrayList<>(Math.min(maxPrefixes, withdrawRemaining));
    int s = withdrawSlot;
    int capacity = advertised.capacity();
    for (; s < capacity && withdrawn.size() < maxPrefixes; s++) {
      Prefix p = advertised.keyAt(s);
      if (p != null) {
        withdrawn.add(p);
      }
    }
    withdrawSlot = s;
    withdrawRemaining -= withdrawn.size();
    if (withdrawRemaining <= 0 || s >= capacity) {
      advertised.clear();
      withdrawRemaining = 0;
      withdrawSlot = -1;
    }
    return new RibDelta(withdrawn, Map.of());
  }

  /** Ends an interrupted withdraw-all: what it already handed out leaves the advertised table. */
  private void finishWithdrawSweep() {
    if (withdrawSlot < 0) {
      return;
    }
    List<Prefix> gone = new ArrayList<>();
    for (int s = 0; s < withdrawSlot; s++) {
      if (advertised.keyAt(s) != null) {
        gone.add(advertised.keyAt(s));
      }
    }
    withdrawSlot = -1;
    withdrawRemaining = 0;
    gone.forEach(advertised::remove);
  }

  /** pending := {p | desired(p) ≠ advertised(p)} ∪ (resend ∩ desired), within the families. */
  private void recompute() {
    clearPending();
    if (!ipv4 && !ipv6) {
      return;
    }
    if (desired.size() == 0 && resend.size() == 0 && advertised.size() > 0) {
      // Nothing desired: every advertised prefix is withdrawn; walk the table in place.
      withdrawSlot = 0;
      withdrawRemaining = advertised.size();
      return;
    }
    if (advertised.size() == 0 && resend.size() == 0) {
      // Nothing sent yet: everything eligible is pending; walk it in place (see sweepSlot).
      int eligible = (ipv4 ? desiredIpv4 : 0) + (ipv6 ? desiredIpv6 : 0);
      sweepSlot = eligible > 0 ? 0 : -1;
      sweepRemaining = eligible;
      sweepTotal = eligible;
      return;
    }
    for (int s = 0; s < desired.capacity(); s++) {
      Prefix p = desired.keyAt(s);
      if (p == null || !eligible(p)) {
        continue;
      }
      pendIfDiffers(p, desired.hashAt(s), desired.valueAt(s));
    }
    for (int s = 0; s < advertised.capacity(); s++) {
      Prefix p = advertised.keyAt(s);
      if (p != null && !desired.containsKey(p, advertised.hashAt(s))) {
        addPending(p, advertised.hashAt(s));
      }
    }
  }

  private void addPending(Prefix p) {
    addPending(p, PrefixTable.hash(p));
  }

  private void addPending(Prefix p, int h) {
    if (pending.put(p, Boolean.TRUE, h) == null) {
      queue.add(p);
    }
  }

  /**
   * Drops everything pending. An initial sweep is abandoned, not kept: callers that keep what it
   * sent call {@link #endSweep} first.
   */
  private void clearPending() {
    finishWithdrawSweep();
    pending.clear();
    queue.clear();
    sweepSlot = -1;
    sweepRemaining = 0;
    sweepTotal = 0;
  }

  private boolean eligible(Prefix p) {
    return p.isIpv4() ? ipv4 : ipv6;
  }

  private boolean negotiated(AddressFamily f) {
    return f.equals(AddressFamily.IPV4_UNICAST) ? ipv4 : f.equals(AddressFamily.IPV6_UNICAST) && ipv6;
  }

  /** The shared instance equal to {@code a}. */
  private PathAttributes canonical(PathAttributes a) {
    Objects.requireNonNull(a, "attributes");
    PathAttributes c = canonicalOf.get(a);
    if (c == null) {
      c = interned.putIfAbsent(a, a);
      if (c == null) {
        c = a;
      }
      canonicalOf.put(a, c);
    }
    return c;
  }

  /**
   * Keeps the intern table from growing without bound when callers build new sets every time:
   * once it has doubled since the last look, drop the sets neither desired nor advertised.
   * Dropping only costs an equals() later; comparisons never depend on identity alone.
   */
  private void pruneInterned() {
    if (interned.size() < pruneThreshold) {
      return;
    }
    Set<PathAttributes> live = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (int s = 0; s < desired.capacity(); s++) {
      if (desired.keyAt(s) != null) {
        live.add(desired.valueAt(s));
      }
    }
    for (int s = 0; s < advertised.capacity(); s++) {
      if (advertised.keyAt(s) != null) {
        live.add(advertised.valueAt(s));
      }
    }
    interned.values().removeIf(v -> !live.contains(v));
    // Look again only after the table doubles, so that many live sets do not cost a scan of
    // every route on every call.
    pruneThreshold = Math.max(256, 2 * interned.size());
  }
}
