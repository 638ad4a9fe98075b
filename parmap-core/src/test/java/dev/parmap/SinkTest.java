package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;

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
    Sink.ToList sink = (Sink.ToList) Sink.of(Run.Mode.LIST, new Input(List.of(0, 1, 2, 3, 4)));
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
        (Sink.ToList) Sink.of(Run.Mode.LIST, new Input(new LinkedList<>(List.of(0, 1, 2, 3))));
    assertThat(sink.holdsNothingExtra()).isFalse();
    complete(sink.chunkOf(0, items(0, 2)), 2);
    complete(sink.chunkOf(2, items(2, 3)), 1);
    assertThat(sink.assemble(3, List.of(3), (item, index) -> "unread #" + index))
        .containsExactly(0, 10, 20, "unread #3");
  }

  @Test
  void forEachKeepsNoResults() {
    Sink sink = Sink.of(Run.Mode.FOR_EACH, new Input(List.of(1, 2)));
    Chunk chunk = sink.chunkOf(0, items(0, 2));
    assertThat(chunk.results).isNull();
    chunk.done = 1;
    assertThat(sink.completed(chunk)).isEqualTo(2);
  }

  @Test
  void anOrderedStreamHandsChunksOverInInputOrderOnceComplete() {
    Sink.ToStream sink = (Sink.ToStream) Sink.of(Run.Mode.ORDERED, new Input(List.of()));
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
    Sink.ToStream sink = (Sink.ToStream) Sink.of(Run.Mode.UNORDERED, new Input(List.of()));
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
}
