package io.herald.allocator.pool;

import io.herald.allocator.ip.IpAddress;
import io.herald.allocator.ip.IpRange;
import java.util.Map;
import java.util.TreeMap;

/**
 * The used addresses of one range, kept as maximal runs of consecutive <em>allocatable</em>
 * addresses (with {@code avoidBuggyIPs}, .0 and .255 are not allocatable and so never break a
 * run). Because runs are maximal, the address after the run that starts the range is free:
 * finding the first free address, marking and unmarking are all O(log runs), whatever the size of
 * the range and however many addresses are already taken.
 */
final class UsedRuns {
  private final IpRange range;
  private final boolean avoidBuggy;
  private final TreeMap<IpAddress, IpAddress> runs = new TreeMap<>(); // first -> last, inclusive
  private long used;

  UsedRuns(IpRange range, boolean avoidBuggy) {
    this.range = range;
    this.avoidBuggy = avoidBuggy;
  }

  long used() {
    return used;
  }

  int runCount() {
    return runs.size();
  }

  private boolean allocatable(IpAddress ip) {
    return range.contains(ip) && !(avoidBuggy && ip.confusesBuggyFirmware());
  }

  /** The next allocatable address after {@code ip} inside the range, or null. */
  private IpAddress nextAllocatable(IpAddress ip) {
    IpAddress y = ip;
    do {
      if (y.equals(range.last()) || y.isMax()) {
        return null;
      }
      y = y.next();
    } while (avoidBuggy && y.confusesBuggyFirmware());
    return y;
  }

  private IpAddress previousAllocatable(IpAddress ip) {
    IpAddress y = ip;
    do {
      if (y.equals(range.first()) || y.isMin()) {
        return null;
      }
      y = y.previous();
    } while (avoidBuggy && y.confusesBuggyFirmware());
    return y;
  }

  private IpAddress firstAllocatable() {
    return allocatable(range.first()) ? range.first() : nextAllocatable(range.first());
  }

  boolean isUsed(IpAddress ip) {
    Map.Entry<IpAddress, IpAddress> e = runs.floorEntry(ip);
    return e != null && ip.compareTo(e.getValue()) <= 0;
  }

  /** Lowest free allocatable address, or null when the range is exhausted. */
  IpAddress firstFree() {
    IpAddress c = firstAllocatable();
    if (c == null) {
      return null;
    }
    IpAddress runEnd = runs.get(c);
    return runEnd == null ? c : nextAllocatable(runEnd);
  }

  void add(IpAddress ip) {
    if (!allocatable(ip) || isUsed(ip)) {
      throw new IllegalStateException("cannot mark " + ip + " used in " + range);
    }
    IpAddress first = ip;
    IpAddress last = ip;
    IpAddress before = previousAllocatable(ip);
    if (before != null) {
      Map.Entry<IpAddress, IpAddress> left = runs.floorEntry(before);
      if (left != null && left.getValue().equals(before)) {
        first = left.getKey();
      }
    }
    IpAddress after = nextAllocatable(ip);
    if (after != null) {
      IpAddress rightEnd = runs.remove(after);
      if (rightEnd != null) {
        last = rightEnd;
      }
    }
    runs.put(first, last);
    used++;
  }

  void remove(IpAddress ip) {
    Map.Entry<IpAddress, IpAddress> e = runs.floorEntry(ip);
    if (e == null || ip.compareTo(e.getValue()) > 0) {
      throw new IllegalStateException(ip + " is not used in " + range);
    }
    runs.remove(e.getKey());
    if (e.getKey().compareTo(ip) < 0) {
      runs.put(e.getKey(), previousAllocatable(ip));
    }
    if (ip.compareTo(e.getValue()) < 0) {
      runs.put(nextAllocatable(ip), e.getValue());
    }
    used--;
  }
}
