package io.herald.k8s.event;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Counts repeated Events the way client-go's recorder does, so {@code kubectl describe} shows
 * {@code (x2 over 11m)} instead of a flood: the first occurrence creates an Event named
 * {@code <object>.<hex nanos>}; a repeat updates that Event's {@code count} and
 * {@code lastTimestamp}. To keep repeats from hammering the API, one Event is written at most once
 * per {@code minInterval}; repeats in between only count, and {@link #flush} writes what is
 * pending. Entries idle for {@code forgetAfter} are dropped, so a later repeat starts a new Event.
 * At most {@code maxEntries} are kept (client-go's {@code maxLruCacheEntries}, 4096): a start-up
 * that converges every Service records one or two Events each, and an hour of those for 10,000
 * Services would otherwise stay in memory. The least recently seen goes first; should it repeat,
 * it starts a new Event, as after {@code forgetAfter}.
 *
 * <p>Pure: no clock and no I/O; times come from the caller. Not thread-safe: one owner calls it.
 */
public final class EventAggregator {

  /** A write to carry out: create a new Event or update the count of an existing one. */
  public record Write(EventSpec spec, String name, boolean create, int count, Instant first, Instant last) {
    public Write {
      Objects.requireNonNull(spec, "spec");
      Objects.requireNonNull(name, "name");
    }
  }

  private static final class Entry {
    final String name;
    final Instant first;
    int count;
    Instant last;
    Instant written;
    int writtenCount;

    Entry(String name, Instant first) {
      this.name = name;
      this.first = first;
    }
  }

  private final Duration minInterval;
  private final Duration forgetAfter;
  private final Map<EventSpec, Entry> entries;

  /** client-go's bound on the Events it aggregates ({@code maxLruCacheEntries}). */
  public static final int MAX_ENTRIES = 4096;

  public EventAggregator(Duration minInterval, Duration forgetAfter) {
    this(minInterval, forgetAfter, MAX_ENTRIES);
  }

  public EventAggregator(Duration minInterval, Duration forgetAfter, int maxEntries) {
    this.minInterval = Objects.requireNonNull(minInterval);
    this.forgetAfter = Objects.requireNonNull(forgetAfter);
    if (maxEntries < 1) throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
    // Access order: observe's get() makes an entry the most recently seen.
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<EventSpec, Entry> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /** client-go's defaults: writes at most every 10 s per Event, and forgets after an hour. */
  public static EventAggregator withDefaults() {
    return new EventAggregator(Duration.ofSeconds(10), Duration.ofHours(1));
  }

  /** Records one occurrence at {@code now}; the write to do now, if any. */
  public Optional<Write> observe(EventSpec spec, Instant now) {
    Entry e = entries.get(spec);
    if (e == null || Duration.between(e.last, now).compareTo(forgetAfter) > 0) {
      e = new Entry(spec.involved().name() + "." + Long.toHexString(nanos(now)), now);
      e.count = 1;
      e.last = now;
      e.written = now;
      e.writtenCount = 1;
      entries.put(spec, e);
      return Optional.of(new Write(spec, e.name, true, 1, now, now));
    }
    e.count++;
    e.last = now;
    if (Duration.between(e.written, now).compareTo(minInterval) < 0) return Optional.empty();
    return Optional.of(markWritten(spec, e, now));
  }

  /** The pending counts whose interval has passed, marked written; also drops idle entries. */
  public List<Write> flush(Instant now) {
    List<Write> out = new ArrayList<>();
    for (Iterator<Map.Entry<EventSpec, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      var me = it.next();
      Entry e = me.getValue();
      if (e.count != e.writtenCount && Duration.between(e.written, now).compareTo(minInterval) >= 0) {
        out.add(markWritten(me.getKey(), e, now));
      } else if (e.count == e.writtenCount && Duration.between(e.last, now).compareTo(forgetAfter) > 0) {
        it.remove();
      }
    }
    return out;
  }

  /** After the API lost the Event (404 on update): the next occurrence creates it again. */
  public void forget(EventSpec spec) {
    entries.remove(spec);
  }

  private Write markWritten(EventSpec spec, Entry e, Instant now) {
    e.written = now;
    e.writtenCount = e.count;
    return new Write(spec, e.name, false, e.count, e.first, e.last);
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
