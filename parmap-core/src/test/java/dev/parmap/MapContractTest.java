package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The ordering, null and input promises of {@code map}, on every kind of pool. */
class MapContractTest {

  static List<PoolKind> pools() {
    return PoolKind.all();
  }

  @ParameterizedTest
  @MethodSource("pools")
  void mapReturnsResultsInInputOrderWhenItemsFinishInReverseOrder(PoolKind kind) {
    int n = 4;
    // Item i may finish only after item i + 1 has finished: completion order is the reverse of
    // the input order, so an ordered result proves the reordering.
    List<CountDownLatch> finished = new ArrayList<>();
    for (int i = 0; i <= n; i++) {
      finished.add(new CountDownLatch(1));
    }
    finished.get(n).countDown();
    List<Integer> completionOrder = java.util.Collections.synchronizedList(new ArrayList<>());
    try (Pool pool = kind.create(n)) {
      List<String> results =
          pool.map(
              List.of(0, 1, 2, 3),
              i -> {
                assertThat(finished.get(i + 1).await(30, TimeUnit.SECONDS)).isTrue();
                completionOrder.add(i);
                finished.get(i).countDown();
                return "r" + i;
              });
      assertThat(results).containsExactly("r0", "r1", "r2", "r3");
      assertThat(completionOrder).containsExactly(3, 2, 1, 0);
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void mapPassesNullItemsAndKeepsNullResults(PoolKind kind) {
    try (Pool pool = kind.create(3)) {
      List<String> results =
          pool.map(Arrays.asList("a", null, "c"), item -> item == null ? null : item + "!");
      assertThat(results).containsExactly("a!", null, "c!");
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void mapOfManyCheapItemsIsCorrectAndOrdered(PoolKind kind) {
    List<Integer> items = IntStream.range(0, 200_000).boxed().toList();
    try (Pool pool = kind.create(4)) {
      assertThat(pool.map(items, i -> i * 3L)).isEqualTo(items.stream().map(i -> i * 3L).toList());
    }
  }

  @Test
  void mapReadsAnyIterableNotOnlyLists() {
    Iterable<Long> lazy = () -> LongStream.range(0, 50_000).iterator();
    List<Long> results = Parmap.map(lazy, x -> x + 1);
    assertThat(results).hasSize(50_000);
    assertThat(results.get(0)).isEqualTo(1L);
    assertThat(results.get(49_999)).isEqualTo(50_000L);
    assertThat(Parmap.map(new LinkedHashSet<>(List.of("b", "a")), s -> s + s))
        .containsExactly("bb", "aa");
  }

  @Test
  void mapOfNoItemsReturnsAnEmptyListAndRunsNothing() {
    java.util.concurrent.atomic.AtomicInteger runs =
        new java.util.concurrent.atomic.AtomicInteger();
    assertThat(Parmap.map(List.<String>of(), s -> runs.incrementAndGet())).isEmpty();
    Iterable<String> empty = () -> java.util.Collections.emptyIterator();
    assertThat(Parmap.map(empty, s -> runs.incrementAndGet())).isEmpty();
    assertThat(runs).hasValue(0);
  }

  @Test
  void mapReturnsAnUnmodifiableList() {
    List<Integer> results = Parmap.map(List.of(1, 2), i -> i);
    assertThatThrownBy(() -> results.add(3)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void mapReadsTheIteratorOnceAndStopsAtItsEnd() {
    int[] nextCalls = {0};
    Iterable<Integer> once =
        () ->
            new Iterator<>() {
              int i;

              @Override
              public boolean hasNext() {
                return i < 1000;
              }

              @Override
              public Integer next() {
                nextCalls[0]++;
                return i++;
              }
            };
    assertThat(Parmap.map(once, i -> i)).hasSize(1000);
    assertThat(nextCalls[0]).isEqualTo(1000);
  }

  @Test
  void forEachRunsTheActionOnEveryItemExactlyOnce() {
    int n = 100_000;
    java.util.concurrent.atomic.AtomicIntegerArray seen =
        new java.util.concurrent.atomic.AtomicIntegerArray(n);
    Parmap.forEach(IntStream.range(0, n).boxed().toList(), seen::incrementAndGet);
    for (int i = 0; i < n; i++) {
      assertThat(seen.get(i)).as("item %d", i).isEqualTo(1);
    }
  }

  @Test
  void forEachPassesNullItems() {
    List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    Parmap.forEach(Arrays.asList(null, "x"), item -> seen.add(String.valueOf(item)));
    assertThat(seen).containsExactlyInAnyOrder("null", "x");
  }
}
