package dev.parmap.gatherers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.Task;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Gatherer;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Order, window, threads and nulls of {@link ParmapGatherers#map}. */
class MapContractTest {

  @Test
  void resultsComeInEncounterOrderWhenTasksFinishInReverseOrder() {
    int n = 8;
    List<CountDownLatch> finished =
        IntStream.range(0, n).mapToObj(i -> new CountDownLatch(1)).toList();
    List<Integer> finishOrder = new CopyOnWriteArrayList<>();

    List<Integer> results =
        IntStream.range(0, n)
            .boxed()
            .gather(
                ParmapGatherers.map(
                    n,
                    i -> {
                      if (i < n - 1) {
                        Latches.await(finished.get(i + 1)); // the next element finishes first
                      }
                      finishOrder.add(i);
                      finished.get(i).countDown();
                      return i * 10;
                    }))
            .toList();

    assertThat(results).containsExactly(0, 10, 20, 30, 40, 50, 60, 70);
    assertThat(finishOrder).containsExactly(7, 6, 5, 4, 3, 2, 1, 0);
  }

  @Test
  void atMostMaxConcurrencyElementsAreInFlightAndTheWindowFills() {
    int window = 4;
    AtomicInteger started = new AtomicInteger();
    AtomicInteger pushed = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    CountDownLatch windowFull = new CountDownLatch(window);

    List<Integer> results =
        IntStream.range(0, 500)
            .boxed()
            .gather(
                ParmapGatherers.map(
                    window,
                    i -> {
                      // In flight: started and not yet pushed downstream.
                      maxInFlight.accumulateAndGet(
                          started.incrementAndGet() - pushed.get(), Math::max);
                      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                      try {
                        if (i < window) { // the first `window` tasks run all at once
                          windowFull.countDown();
                          Latches.await(windowFull);
                        }
                        return i;
                      } finally {
                        running.decrementAndGet();
                      }
                    }))
            .peek(i -> pushed.incrementAndGet())
            .toList();

    assertThat(results).isEqualTo(IntStream.range(0, 500).boxed().toList());
    assertThat(maxInFlight).hasValue(window);
    assertThat(maxRunning).hasValue(window);
  }

  @Test
  void mapWithoutMaxConcurrencyKeeps16384ElementsInFlight() {
    int window = 16_384;
    AtomicInteger started = new AtomicInteger();
    CountDownLatch othersStarted = new CountDownLatch(window - 1);
    AtomicInteger startedWhenTheHeadEnds = new AtomicInteger();

    long count =
        IntStream.range(0, 2 * window)
            .boxed()
            .gather(
                ParmapGatherers.map(
                    i -> {
                      started.incrementAndGet();
                      if (i == 0) {
                        // The head blocks the window until it is full; nothing more can start.
                        Latches.await(othersStarted);
                        startedWhenTheHeadEnds.set(started.get());
                      } else {
                        othersStarted.countDown();
                      }
                      return i;
                    }))
            .count();

    assertThat(count).isEqualTo(2L * window);
    assertThat(startedWhenTheHeadEnds).hasValue(window);
    assertThat(ParmapGatherers.DEFAULT_WINDOW).isEqualTo(window);
  }

  @Test
  void aMillionElementsPassInOrderWithAtMostTheWindowInFlight() {
    long n = 1_000_000;
    AtomicLong started = new AtomicLong();
    AtomicLong pushed = new AtomicLong();
    AtomicLong maxInFlight = new AtomicLong();
    AtomicLong outOfOrder = new AtomicLong();

    // Nothing collects the results: memory holds the window, not the stream.
    LongStream.range(0, n)
        .boxed()
        .gather(
            ParmapGatherers.map(
                i -> {
                  maxInFlight.accumulateAndGet(started.incrementAndGet() - pushed.get(), Math::max);
                  return 2 * i;
                }))
        .forEachOrdered(
            r -> {
              if (r != 2 * pushed.getAndIncrement()) {
                outOfOrder.incrementAndGet();
              }
            });

    assertThat(pushed).hasValue(n);
    assertThat(outOfOrder).hasValue(0);
    assertThat(maxInFlight.get()).isBetween(1L, (long) ParmapGatherers.DEFAULT_WINDOW);
  }

  @Test
  void eachElementRunsOnItsOwnVirtualThreadNamedParmapGatherer() {
    List<String> threads =
        Stream.of(1, 2, 3, 4)
            .gather(
                ParmapGatherers.map(
                    i -> {
                      Thread self = Thread.currentThread();
                      return self.isVirtual() + " " + self.getName();
                    }))
            .toList();

    assertThat(threads).allMatch(t -> t.matches("true parmap-gatherer-\\d+-\\d+"));
    assertThat(threads).doesNotHaveDuplicates();
  }

  @Test
  void nullElementsReachTheTaskAndNullResultsArePushed() {
    List<String> results =
        Stream.of("a", null, "c")
            .gather(ParmapGatherers.<String, String>map(s -> s == null ? "was null" : null))
            .toList();

    assertThat(results).containsExactly(null, "was null", null);
  }

  @Test
  void anEmptyStreamGivesNothingAndRunsNoTask() {
    AtomicInteger calls = new AtomicInteger();

    List<Integer> results =
        Stream.<Integer>empty().gather(ParmapGatherers.map(i -> calls.incrementAndGet())).toList();

    assertThat(results).isEmpty();
    assertThat(calls).hasValue(0);
  }

  @Test
  void aParallelStreamStillGetsEveryResultInEncounterOrder() {
    List<Integer> results =
        IntStream.range(0, 20_000)
            .parallel()
            .boxed()
            .map(i -> i + 1) // runs in parallel before the gatherer
            .gather(ParmapGatherers.map(64, i -> i * 2))
            .toList();

    assertThat(results)
        .isEqualTo(IntStream.range(0, 20_000).map(i -> (i + 1) * 2).boxed().toList());
  }

  @Test
  void oneGathererServesSeveralStreamsEachWithItsOwnThreads() {
    Gatherer<Integer, ?, Map.Entry<Integer, String>> gatherer =
        ParmapGatherers.map(2, i -> Map.entry(i, Thread.currentThread().getName()));

    List<Map.Entry<Integer, String>> first = Stream.of(1, 2, 3).gather(gatherer).toList();
    List<Map.Entry<Integer, String>> second = Stream.of(1, 2, 3).gather(gatherer).toList();

    assertThat(first).extracting(Map.Entry::getKey).containsExactly(1, 2, 3);
    assertThat(second).extracting(Map.Entry::getKey).containsExactly(1, 2, 3);
    // Thread names are parmap-gatherer-<evaluation>-<element>: two evaluations, two prefixes.
    assertThat(
            Stream.concat(first.stream(), second.stream())
                .map(e -> e.getValue().substring(0, e.getValue().lastIndexOf('-')))
                .distinct())
        .hasSize(2);
  }

  @Test
  void argumentsAreChecked() {
    Task<Object, Object> identity = x -> x;
    assertThatThrownBy(() -> ParmapGatherers.map(0, identity))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConcurrency must be at least 1, but was 0");
    assertThatThrownBy(() -> ParmapGatherers.map(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("task must not be null");
    assertThatThrownBy(() -> ParmapGatherers.map(1, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("task must not be null");
  }
}
