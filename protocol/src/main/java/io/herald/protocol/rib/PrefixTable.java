package io.herald.protocol.rib;

import io.herald.protocol.types.Prefix;
import java.util.Arrays;

/**
 * An open-addressing hash table keyed by {@link Prefix}, with no node per entry: keys, values and
 * hashes live in parallel arrays (linear probing, backward-shift deletion). It hashes the prefix
 * octets itself: {@code Prefix.hashCode()} maps 100,000 consecutive /32s to fewer than 10,000
 * values (31-based byte hash), which makes general-purpose maps probe long chains.
 */
final class PrefixTable<V> {
  private Prefix[] keys;
  private Object[] values;
  private int[] hashes;
  private int mask;
  private int size;

  PrefixTable() {
    allocate(16);
  }

  private void allocate(int capacity) {
    keys = new Prefix[capacity];
    values = new Object[capacity];
    hashes = new int[capacity];
    mask = capacity - 1;
  }

  /** A well-spread hash of the prefix's address octets and length. */
  static int hash(Prefix p) {
    int octets = p.isIpv6() ? 16 : 4;
    long h = p.length();
    for (int i = 0; i < octets; i += 4) {
      long word = ((long) p.octet(i) << 24) | (p.octet(i + 1) << 16) | (p.octet(i + 2) << 8)
          | p.octet(i + 3);
      h = (h ^ word) * 0x9E3779B97F4A7C15L;
    }
    h ^= h >>> 32; // fold, then the murmur3 finaliser
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    return (int) h;
  }

  int size() {
    return size;
  }

  /** Slots, for iteration with {@link #keyAt} / {@link #valueAt} (null key: empty slot). */
  int capacity() {
    return keys.length;
  }

  Prefix keyAt(int slot) {
    return keys[slot];
  }

  @SuppressWarnings("unchecked")
  V valueAt(int slot) {
    return (V) values[slot];
  }

  private int find(Prefix p, int h) {
    for (int i = h & mask; ; i = (i + 1) & mask) {
      Prefix k = keys[i];
      if (k == null) {
        return -1 - i;
      }
      if (k == p || (hashes[i] == h && k.equals(p))) {
        return i;
      }
    }
  }

  /** The stored hash of the key in {@code slot}: look-ups in another table can reuse it. */
  int hashAt(int slot) {
    return hashes[slot];
  }

  V get(Prefix p) {
    return get(p, hash(p));
  }

  /** {@link #get(Prefix)} with {@code h == hash(p)} already known. */
  @SuppressWarnings("unchecked")
  V get(Prefix p, int h) {
    int i = find(p, h);
    return i >= 0 ? (V) values[i] : null;
  }

  /** The slot holding {@code p}, or a negative number when it is absent. */
  int slotOf(Prefix p) {
    int i = find(p, hash(p));
    return i >= 0 ? i : -1;
  }

  boolean containsKey(Prefix p) {
    return find(p, hash(p)) >= 0;
  }

  boolean containsKey(Prefix p, int h) {
    return find(p, h) >= 0;
  }

  V put(Prefix p, V v) {
    return put(p, v, hash(p));
  }

  /** Maps {@code p} to {@code v} given {@code h == hash(p)}; returns the previous value or null. */
  @SuppressWarnings("unchecked")
  V put(Prefix p, V v, int h) {
    int i = find(p, h);
    if (i >= 0) {
      V old = (V) values[i];
      values[i] = v;
      return old;
    }
    if ((size + 1) * 2 > keys.length) {
      grow();
      i = find(p, h);
    }
    int slot = -1 - i;
    keys[slot] = p;
    values[slot] = v;
    hashes[slot] = h;
    size++;
    return null;
  }

  @SuppressWarnings("unchecked")
  V remove(Prefix p) {
    int i = find(p, hash(p));
    if (i < 0) {
      return null;
    }
    V old = (V) values[i];
    // Backward-shift deletion: move later entries of the probe run into the hole when their
    // home slot is not cyclically within (hole, position].
    int hole = i;
    for (int j = (i + 1) & mask; keys[j] != null; j = (j + 1) & mask) {
      int home = hashes[j] & mask;
      boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (!stays) {
        keys[hole] = keys[j];
        values[hole] = values[j];
        hashes[hole] = hashes[j];
        hole = j;
      }
    }
    keys[hole] = null;
    values[hole] = null;
    size--;
    return old;
  }

  void clear() {
    if (size > 0) {
      Arrays.fill(keys, null);
      Arrays.fill(values, null);
      size = 0;
    }
  }

  /** Becomes an exact copy of {@code other}: same slots, so no entry is rehashed. */
  void copyOf(PrefixTable<? extends V> other) {
    keys = other.keys.clone();
    values = other.values.clone();
    hashes = other.hashes.clone();
    mask = other.mask;
    size = other.size;
  }

  /** Makes room for {@code n} entries without growing step by step as they arrive. */
  void ensureCapacity(int n) {
    int needed = Integer.highestOneBit(Math.max(16, n * 2 - 1)) << 1;
    if (needed > keys.length) {
      rehash(needed);
    }
  }

  private void grow() {
    rehash(keys.length * 2);
  }

  private void rehash(int capacity) {
    Prefix[] oldKeys = keys;
    Object[] oldValues = values;
    int[] oldHashes = hashes;
    allocate(capacity);
    for (int s = 0; s < oldKeys.length; s++) {
      if (oldKeys[s] != null) {
        int i = oldHashes[s] & mask;
        while (keys[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[s];
        values[i] = oldValues[s];
        hashes[i] = oldHashes[s];
      }
    }
  }
}
