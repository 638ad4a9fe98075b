package dev.parmap.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.RandomAccess;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A call's input, read in chunks by the call's driver: one thread at a time, each item once, in
 * order, and only as far as the call needs. Not thread-safe: only the driver uses it.
 *
 * <p>Three kinds of input: a list, an iterable, and an input whose items are {@linkplain #offer
 * offered} one at a time by a front end that is itself pushed items (a stream's gatherer): {@link
 * #read} then takes what was offered and not read yet, and the input ends once {@link #endOfInput}
 * was called and everything offered was read. Its size is unknown.
 *
 * <p>A {@link RandomAccess} list is read with {@code get(i)} (in one array copy for the JDK's own
 * lists); anything else through its iterator, taken at the first read. A failure of the input (its
 * {@code iterator()}, {@code hasNext()}, {@code next()} or {@code get(i)}) is an {@link Failed} at
 * the index of the item being read, after which the input counts as exhausted.
 *
 * <p>Reading a chunk stops early once it has taken {@link #MAX_FILL_NANOS}: a slow input (one item
 * per millisecond, say) must not hold results back while a large chunk fills. The clock is read
 * after 1, 2, 4, ... items, then every 1,024, so a fast input pays nothing for it. A chunk of one
 * item whose reading took that long is marked the same way: the driver then takes completions in
 * before it reads on, as it does after a cut chunk.
 */
final class Input {
  /**
   * How long filling one chunk may take before it is launched as it is: ten times the work a chunk
   * aims at, so that reading a fast input (a few nanoseconds an item, comparable to the work of
   * tiny items) never cuts chunks, while a slow one (a millisecond an item) is launched item by
   * item.
   */
  static final long MAX_FILL_NANOS = 10 * ChunkSizer.TARGET_NANOS;

  /**
   * JDK lists whose {@code subList(a, b).toArray()} is a plain array copy that cannot fail: read in
   * one copy instead of item by item.
   */
  private static final Set<Class<?>> TRUSTED_LISTS =
      Set.copyOf( // copyOf: some of these are the same class
          List.of(
              ArrayList.class,
              Arrays.asList().getClass(),
              List.of().getClass(),
              List.of(1).getClass(),
              List.of(1, 2, 3).getClass()));

  /**
   * Items read by one {@link #read}: their index in the input is {@code first} on; {@code
   * cutForTime}: reading them took {@link #MAX_FILL_NANOS} or more (the input is slow).
   */
  record Read(long first, int size, @Nullable Object @Nullable [] items, boolean cutForTime) {
    Read(long first, @Nullable Object[] items, boolean cutForTime) {
      this(first, items.length, items, cutForTime);
    }
  }

  /**
   * The input threw while item {@code index} was read: the call fails with the front end's input
   * failure, whose cause is this exception's.
   */
  static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final long index;

    Failed(long index, Throwable cause) {
      super("reading item #" + index + " failed", cause, false, false);
      this.index = index;
    }
  }

  private final @Nullable List<?> list;
  private final boolean trusted; // list is one of TRUSTED_LISTS: see trustedList()
  private final @Nullable Iterable<?> iterable;
  private @Nullable Iterator<?> iterator;
  private final @Nullable Offered offered;
  private final long knownSize;
  private long nextIndex;
  private boolean exhausted;

  Input(Iterable<?> items) {
    this.offered = null;
    if (items instanceof List<?> l && items instanceof RandomAccess) {
      this.list = l;
      this.trusted = TRUSTED_LISTS.contains(l.getClass());
      this.iterable = null;
      this.knownSize = l.size();
    } else {
      this.list = null;
      this.trusted = false;
      this.iterable = items;
      this.knownSize = items instanceof Collection<?> c ? c.size() : -1;
    }
  }

  private Input(Offered offered) {
    this.list = null;
    this.trusted = false;
    this.iterable = null;
    this.offered = offered;
    this.knownSize = -1;
  }

  /** An input whose items are {@linkplain #offer offered} one at a time, of unknown size. */
  static Input offered() {
    return new Input(new Offered());
  }

  /** The items offered and not read yet, in order (nulls allowed, unlike an ArrayDeque). */
  private static final class Offered {
    final ArrayList<@Nullable Object> items = new ArrayList<>();
    int taken; // items before it were read; the list is cleared when all are
    boolean ended;

    int waiting() {
      return items.size() - taken;
    }
  }

  /** Whether the items are offered one at a time ({@link #offered()}) rather than read. */
  boolean isOffered() {
    return offered != null;
  }

  /** Adds the next item of an offered input: the next {@link #read} takes it. */
  void offer(@Nullable Object item) {
    Offered source = requireOffered();
    if (source.ended) {
      throw new IllegalStateException("an item offered after the end of the input");
    }
    source.items.add(item);
  }

  /** The items offered and not read yet (0 for an input that is read, not offered). */
  int waiting() {
    return offered != null ? offered.waiting() : 0;
  }

  /** Marks the end of an offered input: it is exhausted once the items offered are read. */
  void endOfInput() {
    Offered source = requireOffered();
    source.ended = true;
    if (source.waiting() == 0) {
      exhausted = true;
    }
  }

  /** Whether the input is a random-access list: all of it is in memory already. */
  boolean isRandomAccess() {
    return list != null;
  }

  /** The number of items, when the input is a collection; otherwise -1. */
  long knownSize() {
    return knownSize;
  }

  /** The number of items read so far: the index of the next one. */
  long nextIndex() {
    return nextIndex;
  }

  /** Whether the input has ended (or failed): nothing more will be read. */
  boolean exhausted() {
    return exhausted;
  }

  /**
   * The list of the input if it is one of the JDK's own random-access lists ({@code ArrayList},
   * {@code Arrays.asList}, {@code List.of}), else null. Reading it cannot fail and costs no more
   * from another thread (the driver starts the chunk's thread after the caller filled the list), so
   * a chunk's thread reads its items from it: the driver copied a million items of workload A into
   * chunk arrays one by one ({@code SubList.toArray} of {@code List.of} is not an array copy), 70%
   * of its own time, and the arrays were garbage once the chunk ended.
   */
  @Nullable List<?> trustedList() {
    return trusted ? list : null;
  }

  /** The number of items not read yet, or -1 when unknown. */
  long remaining() {
    return knownSize >= 0 ? Math.max(0, knownSize - nextIndex) : -1;
  }

  /**
   * Reads up to {@code want} items (at least one).
   *
   * @return the items read, or {@code null} if the input has ended
   * @throws Failed if the input threw; it is then exhausted
   */
  @Nullable Read read(int want) {
    if (exhausted) {
      return null;
    }
    if (offered != null) {
      return readOffered(offered, want);
    }
    return list != null ? readList(list, want) : readIterator(want);
  }

  /** Takes up to {@code want} of the items offered; null if none is waiting. */
  private @Nullable Read readOffered(Offered source, int want) {
    int n = Math.min(want, source.waiting());
    if (n == 0) {
      return null; // nothing waiting: exhausted only if the input has ended (endOfInput)
    }
    @Nullable Object[] items = source.items.subList(source.taken, source.taken + n).toArray();
    source.taken += n;
    if (source.waiting() == 0) {
      source.items.clear(); // at most the window is offered ahead: the list stays small
      source.taken = 0;
      exhausted = source.ended;
    }
    long first = nextIndex;
    nextIndex += n;
    return new Read(first, items, false);
  }

  private @Nullable Read readList(List<?> source, int want) {
    long first = nextIndex;
    long left = knownSize - first;
    if (left <= 0) {
      exhausted = true;
      return null;
    }
    int size = (int) Math.min(want, left);
    @Nullable Object @Nullable [] items = null; // a trusted list's: the chunk reads them itself
    if (!trusted) {
      items = new Object[size];
      int k = 0;
      try {
        for (; k < size; k++) {
          items[k] = source.get((int) first + k);
        }
      } catch (Throwable e) { // the input's failure fails the call, as a task's would
        exhausted = true;
        throw new Failed(first + k, e);
      }
    }
    nextIndex += size;
    if (nextIndex == knownSize) {
      exhausted = true;
    }
    return new Read(first, size, items, false);
  }

  private @Nullable Read readIterator(int want) {
    long first = nextIndex;
    Iterator<?> source = iterator;
    if (source == null) {
      try {
        source = requireIterable().iterator();
      } catch (Throwable e) { // reported like any input failure
        exhausted = true;
        throw new Failed(0, e);
      }
      iterator = source;
    }
    @Nullable Object[] items = new Object[want];
    int n = 0;
    boolean cutForTime = false;
    long startedReading = System.nanoTime();
    int checkAt = 1;
    try {
      while (n < want) {
        if (!source.hasNext()) {
          exhausted = true;
          break;
        }
        items[n] = source.next();
        n++;
        if (n == checkAt && n < want) {
          if (System.nanoTime() - startedReading >= MAX_FILL_NANOS) {
            cutForTime = true; // a slow input: launch what is read, hand results over sooner
            break;
          }
          checkAt = n < 1024 ? 2 * n : n + 1024;
        }
      }
    } catch (Throwable e) { // the input's failure fails the call, as a task's would
      exhausted = true;
      throw new Failed(first + n, e);
    }
    if (n == 0) {
      return null;
    }
    if (want == 1 && System.nanoTime() - startedReading >= MAX_FILL_NANOS) {
      // Chunks of one item (slow items) are never cut, but a slow input must not keep the driver
      // reading on up to the window while done results wait to be handed over.
      cutForTime = true;
    }
    nextIndex += n;
    return new Read(first, n < want ? Arrays.copyOf(items, n) : items, cutForTime);
  }

  private Offered requireOffered() {
    Offered source = offered;
    if (source == null) {
      throw new IllegalStateException("only an offered input is offered items");
    }
    return source;
  }

  private Iterable<?> requireIterable() {
    Iterable<?> items = iterable;
    if (items == null) {
      throw new IllegalStateException("an input is a list or an iterable");
    }
    return items;
  }

  /**
   * The items of a collection not read yet (from {@link #nextIndex()} on), for a report after the
   * call was cut short; stops quietly where the input fails, and reads nothing from an input of
   * unknown size. Leaves the input exhausted.
   */
  List<@Nullable Object> unreadForReport() {
    List<@Nullable Object> rest = new ArrayList<>();
    if (knownSize < 0) {
      return rest;
    }
    try {
      List<?> source = list;
      if (source != null) {
        for (long index = nextIndex; index < knownSize; index++) {
          rest.add(source.get((int) index));
        }
      } else {
        Iterator<?> it = iterator;
        if (it == null) {
          it = requireIterable().iterator();
        }
        for (long index = nextIndex; index < knownSize && it.hasNext(); index++) {
          rest.add(it.next());
        }
      }
    } catch (RuntimeException e) {
      // The input failed while being read for the report: what was read is reported.
    }
    exhausted = true;
    return rest;
  }
}
