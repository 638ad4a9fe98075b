package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.RandomAccess;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The input reader alone: order, indexes, failures, slow inputs, the report of unread items. */
class InputTest {

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  /** A random-access list that is not one of the JDK's own, failing at one index. */
  private static List<Integer> customList(int size, int failingIndex) {
    class Custom extends AbstractList<Integer> implements RandomAccess {
      @Override
      public Integer get(int index) {
        if (index == failingIndex) {
          throw new IllegalStateException("cannot read #" + index);
        }
        return index;
      }

      @Override
      public int size() {
        return size;
      }
    }
    return new Custom();
  }

  private static List<Object> readAll(Input input, int want) {
    List<Object> all = new ArrayList<>();
    long expectedFirst = input.nextIndex();
    Input.Read read;
    while ((read = input.read(want)) != null) {
      assertThat(read.first()).isEqualTo(expectedFirst);
      expectedFirst += read.size();
      all.addAll(itemsOf(input, read));
    }
    return all;
  }

  /** The items of {@code read}: copied, or in the input's list (a JDK list, read in place). */
  private static List<Object> itemsOf(Input input, Input.Read read) {
    Object[] copied = read.items();
    if (copied != null) {
      assertThat(copied).hasSize(read.size());
      return java.util.Arrays.asList(copied);
    }
    List<?> list = java.util.Objects.requireNonNull(input.trustedList());
    return new ArrayList<>(list.subList((int) read.first(), (int) read.first() + read.size()));
  }

  @Test
  void aListIsReadInOrderInChunksOfTheSizeAsked() {
    for (List<Integer> list : List.of(range(10), new ArrayList<>(range(10)), customList(10, -1))) {
      Input input = new Input(list);
      assertThat(input.isRandomAccess()).isTrue();
      assertThat(input.knownSize()).isEqualTo(10);
      Input.Read first = input.read(4);
      assertThat(first.size()).isEqualTo(4);
      assertThat(itemsOf(input, first)).containsExactly(0, 1, 2, 3);
      boolean jdkList = list.getClass().getName().startsWith("java.util.");
      assertThat(input.trustedList() != null).isEqualTo(jdkList);
      assertThat(first.items() == null)
          .as("a JDK list is read in place by the chunk, a list of the user's is copied")
          .isEqualTo(jdkList);
      assertThat(input.remaining()).isEqualTo(6);
      assertThat(readAll(input, 4)).containsExactly(4, 5, 6, 7, 8, 9);
      assertThat(input.exhausted()).isTrue();
      assertThat(input.read(4)).isNull();
    }
  }

  @Test
  void anIterableIsReadInOrderAndItsSizeIsKnownOnlyForACollection() {
    Input collection = new Input(new LinkedList<>(range(7)));
    assertThat(collection.isRandomAccess()).isFalse();
    assertThat(collection.knownSize()).isEqualTo(7);
    assertThat(readAll(collection, 3)).isEqualTo(List.copyOf(range(7)));

    Iterable<Integer> lazy = () -> range(7).iterator();
    Input unknown = new Input(lazy);
    assertThat(unknown.knownSize()).isEqualTo(-1);
    assertThat(unknown.remaining()).isEqualTo(-1);
    assertThat(readAll(unknown, 3)).isEqualTo(List.copyOf(range(7)));
    assertThat(unknown.exhausted()).isTrue();
  }

  @Test
  void aFailingGetIsAnInputFailureAtItsIndex() {
    Input input = new Input(customList(10, 6));
    assertThat(input.read(4).items()).containsExactly(0, 1, 2, 3);
    Input.Failed failure = catchThrowableOfType(Input.Failed.class, () -> input.read(4));
    assertThat(failure.index).isEqualTo(6);
    assertThat(failure.getCause()).hasMessage("cannot read #6");
    assertThat(input.exhausted()).isTrue();
  }

  /** An endless input of 0, 1, 2, ... whose iterator throws when item {@code index} is read. */
  static Iterable<Integer> failingAt(int index) {
    return () ->
        new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Integer next() {
            if (next == index) {
              throw new IllegalStateException("cannot read #" + index);
            }
            return next++;
          }
        };
  }

  @Test
  void aFailingIteratorIsAnInputFailureAtItsIndex() {
    Iterable<Integer> failingAt5 = failingAt(5);
    Input input = new Input(failingAt5);
    assertThat(input.read(3).items()).containsExactly(0, 1, 2);
    Input.Failed failure = catchThrowableOfType(Input.Failed.class, () -> input.read(3));
    assertThat(failure.index).isEqualTo(5);
    assertThat(input.exhausted()).isTrue();

    Iterable<Integer> noIterator =
        () -> {
          throw new IllegalStateException("no iterator");
        };
    assertThat(catchThrowableOfType(Input.Failed.class, () -> new Input(noIterator).read(1)))
        .hasRootCauseMessage("no iterator")
        .satisfies(e -> assertThat(e.index).isZero());
  }

  @Test
  void aSlowInputIsLaunchedInShortChunks() {
    // One item per two milliseconds (a slow source, not synchronisation): beyond the fill limit.
    Iterable<Integer> slow =
        () ->
            new Iterator<>() {
              private int next;

              @Override
              public boolean hasNext() {
                return next < 100;
              }

              @Override
              public Integer next() {
                try {
                  Thread.sleep(2);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return next++;
              }
            };
    Input input = new Input(slow);
    Input.Read read = input.read(1_000);
    assertThat(read.cutForTime()).isTrue();
    assertThat(read.items()).containsExactly(0);
    assertThat(input.exhausted()).isFalse();
  }

  @Test
  void oneItemThatWasSlowToReadMarksTheInputAsSlowAndAFastOneDoesNot() {
    // One item per two milliseconds (a slow source, not synchronisation): beyond the fill limit.
    Iterable<Integer> slow =
        () ->
            new Iterator<>() {
              @Override
              public boolean hasNext() {
                return true;
              }

              @Override
              public Integer next() {
                try {
                  Thread.sleep(2);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return 7;
              }
            };
    Input.Read read = new Input(slow).read(1);
    assertThat(read.cutForTime()).isTrue();
    assertThat(read.items()).containsExactly(7);
    Iterable<Integer> fast = () -> range(3).iterator();
    assertThat(new Input(fast).read(1).cutForTime()).isFalse();
  }

  @Test
  void theUnreadItemsOfACollectionAreReportedFromWhereReadingStopped() {
    Input list = new Input(range(6));
    list.read(2);
    assertThat(list.unreadForReport()).containsExactly(2, 3, 4, 5);
    assertThat(list.exhausted()).isTrue();

    Input linked = new Input(new LinkedList<>(range(6)));
    linked.read(4);
    assertThat(linked.unreadForReport()).containsExactly(4, 5);

    Iterable<Integer> lazy = () -> range(6).iterator();
    Input unknown = new Input(lazy);
    unknown.read(1);
    assertThat(unknown.unreadForReport()).isEmpty(); // its size is unknown: nothing to report
  }

  @Test
  void anOfferedInputGivesWhatWasOfferedInOrderAndEndsOnceTheEndIsMarkedAndAllIsRead() {
    Input input = Input.offered();
    assertThat(input.isOffered()).isTrue();
    assertThat(input.isRandomAccess()).isFalse();
    assertThat(input.knownSize()).isEqualTo(-1);
    assertThat(input.read(4)).isNull(); // nothing offered yet: not the end
    assertThat(input.exhausted()).isFalse();

    input.offer("a");
    input.offer(null);
    input.offer("c");
    assertThat(input.waiting()).isEqualTo(3);
    Input.Read first = input.read(2);
    assertThat(first.first()).isZero();
    assertThat(first.items()).containsExactly("a", null);
    assertThat(first.cutForTime()).isFalse();
    assertThat(input.waiting()).isEqualTo(1);
    input.offer("d");
    Input.Read second = input.read(10);
    assertThat(second.first()).isEqualTo(2);
    assertThat(second.items()).containsExactly("c", "d");
    assertThat(input.read(1)).isNull();
    assertThat(input.exhausted()).isFalse();
    assertThat(input.nextIndex()).isEqualTo(4);

    input.offer("e");
    input.endOfInput();
    assertThat(input.exhausted()).isFalse(); // "e" is still to be read
    assertThat(input.read(5).items()).containsExactly("e");
    assertThat(input.exhausted()).isTrue();
    assertThat(input.read(5)).isNull();
    assertThat(input.unreadForReport()).isEmpty();
  }

  @Test
  void anOfferedInputRefusesItemsAfterItsEndAndOnlyItIsOffered() {
    Input offered = Input.offered();
    offered.endOfInput();
    assertThat(offered.exhausted()).isTrue();
    assertThat(catchThrowableOfType(IllegalStateException.class, () -> offered.offer(1)))
        .hasMessageContaining("after the end");
    Input list = new Input(range(3));
    assertThat(list.waiting()).isZero();
    assertThat(catchThrowableOfType(IllegalStateException.class, () -> list.offer(1))).isNotNull();
  }
}
