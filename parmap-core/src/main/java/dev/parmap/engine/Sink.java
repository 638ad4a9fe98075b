package dev.parmap.engine;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where the results of a call go, one kind per way of handing them over: a list in input order
 * ({@code map}, {@code mapOutcomes}), nowhere ({@code forEach}), or a stream in input or completion
 * order. The sink decides where each chunk's results are written and when its items leave the
 * call's window. Used by the call's driver only: not thread-safe.
 */
abstract sealed class Sink permits Sink.ToList, Sink.Dropped, Sink.ToStream {

  /** The sink for a call of {@code mode} over {@code input}. */
  static Sink of(Mode mode, Input input) {
    return switch (mode) {
      case LIST -> new ToList(input);
      case FOR_EACH -> new Dropped();
      case ORDERED -> new ToStream(true);
      case UNORDERED -> new ToStream(false);
    };
  }

  /**
   * Makes the chunk of the items just read, with the array its results go to.
   *
   * @param first the index of its first item in the input
   */
  abstract Chunk chunkOf(long first, int size, @Nullable Object @Nullable [] items);

  /** The chunk of the items just read: {@link #chunkOf(long, int, Object[])} of all of them. */
  final Chunk chunkOf(long first, @Nullable Object[] items) {
    return chunkOf(first, items.length, items);
  }

  /** The chunk was launched. */
  void launched(Chunk chunk) {}

  /**
   * The chunk has completed. Items it handed on to its {@link Chunk#children} do not leave the
   * window with it: they leave it with the children.
   *
   * @return how many of its items leave the window now
   */
  abstract long completed(Chunk chunk);

  /**
   * Whether the sink holds only what the input holds already (a random-access list's results in a
   * list of the same size): the call then needs no window of its own.
   */
  boolean holdsNothingExtra() {
    return false;
  }

  /**
   * Results in input order, in one array when the input's size is known, else chunk by chunk (the
   * children of a chunk whose rest was taken write into its array).
   */
  static final class ToList extends Sink {
    private final @Nullable Object @Nullable [] shared;
    private final ArrayList<Chunk> chunks = new ArrayList<>();
    private final boolean randomAccess;

    ToList(Input input) {
      this.randomAccess = input.isRandomAccess();
      this.shared = randomAccess ? new Object[(int) input.knownSize()] : null;
    }

    @Override
    Chunk chunkOf(long first, int size, @Nullable Object @Nullable [] items) {
      @Nullable Object[] all = shared;
      if (all != null) {
        return new Chunk(first, size, items, all, (int) first);
      }
      Chunk chunk = new Chunk(first, size, items, new Object[size], 0);
      chunks.add(chunk);
      return chunk;
    }

    @Override
    long completed(Chunk chunk) {
      return chunk.ownSize();
    }

    @Override
    boolean holdsNothingExtra() {
      return randomAccess;
    }

    /**
     * The unmodifiable list of every result of a call over {@code input}. With {@code cut} (the
     * deadline passed and items report outcomes), the rest of a collection (its size is known, it
     * is in memory) is reported as cut short too: failures with {@code cut} as their cause.
     */
    List<@Nullable Object> assemble(
        Input input, @Nullable RuntimeException cut, PublicTypes types) {
      return Collections.unmodifiableList(
          cut == null
              ? assemble(input.nextIndex(), List.of(), (item, index) -> item)
              : assemble(
                  input.nextIndex(),
                  input.unreadForReport(),
                  (item, index) -> types.failure(item, index, 0, Duration.ZERO, cut)));
    }

    /**
     * The list of every result: of the {@code read} items read, then of {@code unread} items, each
     * made by {@code unreadResult} from the item and its index.
     */
    List<@Nullable Object> assemble(long read, List<?> unread, UnreadResult unreadResult) {
      @Nullable Object[] all = shared;
      int at;
      if (all != null) {
        at = (int) read;
      } else {
        all = new Object[(int) read + unread.size()];
        at = 0;
        for (Chunk chunk : chunks) {
          @Nullable Object[] part = chunk.results;
          if (part != null) {
            System.arraycopy(part, 0, all, at, chunk.size);
          }
          at += chunk.size;
        }
        chunks.clear();
      }
      for (Object item : unread) {
        all[at] = unreadResult.of(item, at);
        at++;
      }
      return Arrays.asList(all);
    }

    /** Makes the result of an item that was never read by the call. */
    @FunctionalInterface
    interface UnreadResult {
      @Nullable Object of(@Nullable Object item, long index);
    }
  }

  /** No results ({@code forEach}). */
  static final class Dropped extends Sink {
    @Override
    Chunk chunkOf(long first, int size, @Nullable Object @Nullable [] items) {
      return new Chunk(first, size, items, null, 0);
    }

    @Override
    long completed(Chunk chunk) {
      return chunk.ownSize();
    }
  }

  /**
   * Results handed over one by one, in input order or in completion order. A result leaves the
   * window when it is handed over ({@link #next}); a chunk's items that gave no result leave it
   * when the chunk completes.
   */
  static final class ToStream extends Sink {
    private final boolean ordered;
    private final ArrayDeque<Chunk> pending = new ArrayDeque<>();

    ToStream(boolean ordered) {
      this.ordered = ordered;
    }

    boolean ordered() {
      return ordered;
    }

    @Override
    Chunk chunkOf(long first, int size, @Nullable Object @Nullable [] items) {
      return new Chunk(first, size, items, new Object[size], 0);
    }

    @Override
    void launched(Chunk chunk) {
      if (ordered) {
        pending.add(chunk); // in input order, complete or not
      }
    }

    @Override
    long completed(Chunk chunk) {
      if (!ordered && chunk.done > 0) {
        pending.add(chunk); // in completion order
      }
      return chunk.ownSize() - chunk.done;
    }

    /** Whether a chunk's results can be handed over now. */
    boolean hasReady() {
      Chunk head = pending.peekFirst();
      return head != null && (!ordered || head.completed);
    }

    /**
     * The next chunk whose results can be handed over now, or null. In input order, the children of
     * a chunk whose rest was taken follow it: they are put at the head when it is handed over.
     */
    @Nullable Chunk next() {
      if (!hasReady()) {
        return null;
      }
      Chunk head = pending.pollFirst();
      List<Chunk> children = head != null && ordered ? head.children : null;
      if (children != null) {
        for (int k = children.size() - 1; k >= 0; k--) {
          pending.addFirst(children.get(k));
        }
      }
      return head;
    }
  }
}
