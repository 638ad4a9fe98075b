package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The result sinks alone: where results go and when items leave the window. */
class SinkTest {

  private static @Nullable Object[] items(int from, int to) {
    @Nullable Object[] items = new Object[to - from];
    for (int i = from; i < to; i++) {
      items[i - from] = i;
    }
    return items;
  }

  /** Completes the chunk as its runner would, with {@code done} results of item * 10. */
  private static Chunk complete(Chunk chunk, int done) {
    for (int i = 0; i < done; i++) {
      chunk.results[chunk.resultOffset + i] = (Integer) chunk.item(i) * 10;
    }
    chunk.done = done;
    chunk.completed = true;
    return chunk;
  }

  @Test
  void aListOfARandomAccessInputIsOneArrayInInputOrder() {
    Sink.ToList sink = (Sink.ToList) Sink.of(Mode.LIST, new Input(List.of(0, 1, 2, 3, 4)));
    assertThat(sink.holdsNothingExtra()).isTrue();
    Chunk second = sink.chunkOf(3, items(3, 5));
    Chunk first = sink.chunkOf(0, items(0, 3));
    assertThat(sink.completed(complete(second, 2))).isEqualTo(2);
    assertThat(sink.completed(complete(first, 3))).isEqualTo(3);
    assertThat(sink.assemble(5, List.of(), (item, index) -> item))
        .containsExactly(0, 10, 20, 30, 40);
  }

  @Test
  void aListOfAnyOtherInputIsAssembledChunkByChunkThenTheUnreadItems() {
    Sink.ToList sink =
        (Sink.ToList) Sink.of(Mode.LIST, new Input(new LinkedList<>(List.of(0, 1, 2, 3))));
    assertThat(sink.holdsNothingExtra()).isFalse();
    complete(sink.chunkOf(0, items(0, 2)), 2);
    complete(sink.chunkOf(2, items(2, 3)), 1);
    assertThat(sink.assemble(3, List.of(3), (item, index) -> "unread #" + index))
        .containsExactly(0, 10, 20, "unread #3");
  }

  @Test
  void forEachKeepsNoResults() {
    Sink sink = Sink.of(Mode.FOR_EACH, new Input(List.of(1, 2)));
    Chunk chunk = sink.chunkOf(0, items(0, 2));
    assertThat(chunk.results).isNull();
    chunk.done = 1;
    assertThat(sink.completed(chunk)).isEqualTo(2);
  }

  @Test
  void anOrderedStreamHandsChunksOverInInputOrderOnceComplete() {
    Sink.ToStream sink = (Sink.ToStream) Sink.of(Mode.ORDERED, new Input(List.of()));
    Chunk first = sink.chunkOf(0, items(0, 2));
    Chunk second = sink.chunkOf(2, items(2, 4));
    sink.launched(first);
    sink.launched(second);
    assertThat(sink.completed(complete(second, 2))).isZero(); // its results are still held
    assertThat(sink.hasReady()).isFalse();
    assertThat(sink.next()).isNull();
    assertThat(sink.completed(complete(first, 1))).isEqualTo(1); // one item gave no result
    assertThat(sink.next()).isSameAs(first);
    assertThat(sink.next()).isSameAs(second);
    assertThat(sink.next()).isNull();
  }

  @Test
  void anUnorderedStreamHandsChunksOverInCompletionOrderSkippingEmptyOnes() {
    Sink.ToStream sink = (Sink.ToStream) Sink.of(Mode.UNORDERED, new Input(List.of()));
    Chunk first = sink.chunkOf(0, items(0, 2));
    Chunk second = sink.chunkOf(2, items(2, 4));
    Chunk empty = sink.chunkOf(4, items(4, 5));
    sink.launched(first);
    sink.launched(second);
    sink.launched(empty);
    sink.completed(complete(second, 2));
    sink.completed(complete(empty, 0));
    sink.completed(complete(first, 2));
    assertThat(sink.next()).isSameAs(second);
    assertThat(sink.next()).isSameAs(first);
    assertThat(sink.next()).isNull();
  }

  /**
   * Hands the rest of a completed chunk on to children of {@code size} items, as the driver does.
   */
  private static List<Chunk> handOnRest(Chunk parent, int size) {
    for (int at = parent.done; at < parent.size; at += size) {
      parent.handedOn(parent.child(at, Math.min(size, parent.size - at)));
    }
    return parent.children;
  }

  @Test
  void anOrderedStreamHandsAYieldedChunksChildrenOverRightAfterItThenTheNextChunk() {
    Sink.ToStream sink = (Sink.ToStream) Sink.of(Mode.ORDERED, new Input(List.of()));
    Chunk parent = sink.chunkOf(0, items(0, 6));
    Chunk next = sink.chunkOf(6, items(6, 8));
    sink.launched(parent);
    sink.launched(next);
    complete(parent, 2);
    List<Chunk> children = handOnRest(parent, 2);
    assertThat(children).extracting(c -> c.firstIndex).containsExactly(2L, 4L);
    assertThat(sink.completed(parent)).isZero(); // its rest stays in the window with the children
    assertThat(sink.completed(complete(next, 2))).isZero();
    assertThat(sink.completed(complete(children.get(1), 2))).isZero();
    assertThat(sink.next()).isSameAs(parent);
    assertThat(sink.next()).isNull(); // its first child is not done yet
    assertThat(sink.completed(complete(children.get(0), 1))).isEqualTo(1); // one gave no result
    assertThat(sink.next()).isSameAs(children.get(0));
    assertThat(sink.next()).isSameAs(children.get(1));
    assertThat(sink.next()).isSameAs(next);
    assertThat(sink.next()).isNull();
    List<Object> handedOver = new ArrayList<>();
    for (Chunk chunk : List.of(parent, children.get(0), children.get(1), next)) {
      for (int i = 0; i < chunk.done; i++) {
        handedOver.add(chunk.takeResult(i));
      }
    }
    assertThat(handedOver).containsExactly(0, 10, 20, 40, 50, 60, 70);
  }

  @Test
  void anUnorderedStreamHandsAYieldedChunkAndItsChildrenOverAsEachCompletes() {
    Sink.ToStream sink = (Sink.ToStream) Sink.of(Mode.UNORDERED, new Input(List.of()));
    Chunk parent = sink.chunkOf(0, items(0, 4));
    sink.launched(parent);
    complete(parent, 1);
    List<Chunk> children = handOnRest(parent, 3);
    assertThat(sink.completed(parent)).isZero();
    assertThat(sink.next()).isSameAs(parent);
    assertThat(sink.completed(complete(children.get(0), 3))).isZero();
    assertThat(sink.next()).isSameAs(children.get(0));
    assertThat(children.get(0).takeResult(2)).isEqualTo(30);
  }

  @Test
  void theChildrenOfAYieldedChunkWriteIntoItsListSlotsAndLeaveTheWindowThemselves() {
    Sink.ToList shared = (Sink.ToList) Sink.of(Mode.LIST, new Input(List.of(0, 1, 2, 3, 4)));
    Sink.ToList chunked =
        (Sink.ToList) Sink.of(Mode.LIST, new Input(new LinkedList<>(List.of(0, 1, 2, 3, 4))));
    for (Sink.ToList sink : List.of(shared, chunked)) {
      Chunk first = complete(sink.chunkOf(0, items(0, 1)), 1);
      Chunk parent = complete(sink.chunkOf(1, items(1, 5)), 1);
      List<Chunk> children = handOnRest(parent, 2);
      assertThat(sink.completed(first)).isEqualTo(1);
      assertThat(sink.completed(parent)).isEqualTo(1); // the rest leaves with the children
      assertThat(sink.completed(complete(children.get(1), 1))).isEqualTo(1);
      assertThat(sink.completed(complete(children.get(0), 2))).isEqualTo(2);
      assertThat(sink.assemble(5, List.of(), (item, index) -> item))
          .containsExactly(0, 10, 20, 30, 40);
    }
  }

  @Test
  void forEachCountsAYieldedChunksHandedOnItemsOnlyWithItsChildren() {
    Sink sink = Sink.of(Mode.FOR_EACH, new Input(List.of(1, 2, 3)));
    Chunk parent = sink.chunkOf(0, items(0, 3));
    parent.done = 1;
    List<Chunk> children = handOnRest(parent, 1);
    assertThat(children).hasSize(2);
    assertThat(children.get(1).results).isNull();
    assertThat(sink.completed(parent)).isEqualTo(1);
    assertThat(sink.completed(children.get(0))).isEqualTo(1);
  }
}
