package dev.parmap.progressbar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.MapOptions;
import dev.parmap.Outcomes;
import dev.parmap.Pool;
import dev.parmap.TaskFailedException;
import dev.parmap.junit.NoLeakedThreadsExtension;
import dev.parmap.policy.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Lines mode through real calls: the final line counts the items that finished, whatever the kind
 * of call or input. Each test class runs in its own JVM (see the POM), so this one also shows that
 * lines mode never starts the progress bar library's thread.
 */
class RealCallsTest {

  private static final List<Integer> HUNDRED = IntStream.range(0, 100).boxed().toList();

  private final Captured out = new Captured();

  private MapOptions.Builder options() {
    return MapOptions.builder()
        .listener(
            ConsoleProgress.builder()
                .name("work")
                .output(out.stream)
                .display(ConsoleProgress.Display.LINES)
                .build());
  }

  @Test
  void mapOutcomesFinalLineCountsEveryItemItsFailuresAndRetries() {
    MapOptions options =
        options()
            .retry(Retry.builder().maxAttempts(3).backoff(Duration.ZERO, Duration.ZERO).build())
            .build();
    Outcomes<Integer, Integer> outcomes;
    try (Pool pool = Pool.virtual().with(options)) {
      outcomes =
          pool.mapOutcomes(
              HUNDRED,
              i -> {
                if (i % 10 == 3) {
                  throw new IOException("item " + i + " always fails"); // 10 items, 3 attempts
                }
                return i;
              });
    }

    assertThat(outcomes.failures()).hasSize(10);
    assertThat(out.lines()).first().isEqualTo("work: started, 100 items");
    assertThat(out.lastLine()).matches("work: finished 100/100 in .*, failed 10, retried 20");
  }

  @Test
  void mapAndForEachOnAPoolOfThreadsCountEveryItem() {
    try (Pool pool = Pool.threads(2).with(options().build())) {
      assertThat(pool.map(HUNDRED, i -> i * 2)).hasSize(100);
      assertThat(out.lastLine()).startsWith("work: finished 100/100 in ");
      pool.forEach(HUNDRED.subList(0, 40), i -> {});
      assertThat(out.lastLine()).startsWith("work: finished 40/40 in ");
    }
    assertThat(out.text()).doesNotContain("\r", "\u001b");
  }

  @Test
  void orderedAndUnorderedStreamsCountFinishedItems() {
    try (Pool pool = Pool.virtual().with(options().build())) {
      try (Stream<Integer> results = pool.stream(HUNDRED, i -> i)) {
        assertThat(results.toList()).isEqualTo(HUNDRED);
      }
      assertThat(out.lastLine()).startsWith("work: finished 100/100 in ");
      try (Stream<Integer> results = pool.streamUnordered(HUNDRED, i -> i)) {
        assertThat(results.toList()).hasSize(100);
      }
      assertThat(out.lastLine()).startsWith("work: finished 100/100 in ");
    }
  }

  @Test
  void aLazyInputHasAnUnknownTotal() {
    Iterable<Integer> lazy = () -> HUNDRED.iterator(); // not a Collection
    try (Pool pool = Pool.virtual().with(options().build())) {
      pool.forEach(lazy, i -> {});
    }

    assertThat(out.lines()).first().isEqualTo("work: started");
    assertThat(out.lastLine()).startsWith("work: finished 100 in ");
  }

  @Test
  void aFailedFastCallSaysWhereItStopped() {
    try (Pool pool = Pool.threads(1).with(options().build())) {
      assertThatThrownBy(
              () ->
                  pool.map(
                      HUNDRED,
                      i -> {
                        if (i == 0) {
                          throw new IOException("first item fails");
                        }
                        return i;
                      }))
          .isInstanceOf(TaskFailedException.class);
    }

    assertThat(out.lastLine()).matches("work: stopped at \\d+/100 after .*, failed 1");
  }

  @Test
  void progressLinesAppearWhileALongCallRuns() {
    MapOptions options =
        MapOptions.builder()
            .progressInterval(Duration.ofMillis(1))
            .listener(
                ConsoleProgress.builder()
                    .name("slow")
                    .output(out.stream)
                    .display(ConsoleProgress.Display.LINES)
                    .lineInterval(Duration.ofMillis(20))
                    .build())
            .build();
    try (Pool pool = Pool.threads(1).with(options)) {
      pool.forEach(HUNDRED.subList(0, 20), i -> Thread.sleep(Duration.ofMillis(5)));
    }

    // 20 items of 5 ms one after the other take 100 ms or more: lines 20 ms apart appear while
    // the call runs, each with more items done than the one before.
    List<Long> done =
        out.lines().stream()
            .filter(l -> l.matches("slow: \\d+/20 \\(\\d+%\\), .*"))
            .map(l -> Long.parseLong(l.substring("slow: ".length(), l.indexOf('/'))))
            .toList();
    assertThat(done).isNotEmpty().isSorted().doesNotHaveDuplicates();
    assertThat(out.lastLine()).startsWith("slow: finished 20/20 in ");
  }

  @Test
  void oneListenerFollowsCallsRunningAtTheSameTimeOnSeveralThreads() throws Exception {
    MapOptions options = options().build();
    CyclicBarrier bothStarted = new CyclicBarrier(2);
    List<CompletableFuture<Void>> calls = new ArrayList<>();
    try (Pool pool = Pool.virtual().with(options)) {
      for (int size : new int[] {30, 70}) {
        calls.add(
            CompletableFuture.runAsync(
                () ->
                    pool.forEach(
                        HUNDRED.subList(0, size),
                        i -> {
                          if (i == 0) {
                            bothStarted.await(30, TimeUnit.SECONDS); // both calls are running
                          }
                        }),
                r -> Thread.ofPlatform().name("caller-" + size).start(r)));
      }
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    assertThat(out.lines())
        .filteredOn(l -> l.startsWith("work: finished"))
        .hasSize(2)
        .anyMatch(l -> l.startsWith("work: finished 30/30 in "))
        .anyMatch(l -> l.startsWith("work: finished 70/70 in "));
  }

  /**
   * Reads a stream of {@code first} items and one of {@code second} items alternately, one element
   * of each in turn, on the current thread: two calls driven interleaved by one thread.
   */
  static void readAlternately(Pool pool, int first, int second) {
    try (Stream<Integer> a = pool.stream(HUNDRED.subList(0, first), i -> i);
        Stream<Integer> b = pool.stream(HUNDRED.subList(0, second), i -> i)) {
      Iterator<Integer> left = a.iterator();
      Iterator<Integer> right = b.iterator();
      int read = 0;
      while (left.hasNext() || right.hasNext()) {
        if (left.hasNext()) {
          left.next();
          read++;
        }
        if (right.hasNext()) {
          right.next();
          read++;
        }
      }
      assertThat(read).isEqualTo(first + second);
    }
  }

  @Test
  void twoStreamsReadAlternatelyOnOneThreadEachGetTheirOwnLines() {
    ConsoleProgress unnamed =
        ConsoleProgress.builder()
            .output(out.stream)
            .display(ConsoleProgress.Display.LINES)
            .lineInterval(Duration.ofMillis(1))
            .build();
    MapOptions options =
        MapOptions.builder().listener(unnamed).progressInterval(Duration.ofMillis(1)).build();
    try (Pool pool = Pool.threads(2).with(options)) {
      readAlternately(pool, 30, 70);
    }

    assertThat(out.lines())
        .filteredOn(l -> l.contains("started") || l.contains("finished") || l.contains("stopped"))
        .containsExactlyInAnyOrder(
            "Pool.stream: started, 30 items",
            "Pool.stream: started, 70 items",
            out.lines().stream()
                .filter(l -> l.startsWith("Pool.stream: finished 30/30 in "))
                .findFirst()
                .orElse("no final line of 30/30"),
            out.lines().stream()
                .filter(l -> l.startsWith("Pool.stream: finished 70/70 in "))
                .findFirst()
                .orElse("no final line of 70/70"));
    // Each progress line counts against its own call's total, never beyond it.
    assertThat(out.lines())
        .filteredOn(l -> l.matches("Pool.stream: \\d+/\\d+ \\(.*"))
        .allSatisfy(
            l -> {
              String[] count = l.substring("Pool.stream: ".length(), l.indexOf(' ', 13)).split("/");
              assertThat(Long.parseLong(count[0])).isLessThanOrEqualTo(Long.parseLong(count[1]));
            });
  }

  @Test
  void linesModeStartsNoThread() {
    try (Pool pool = Pool.virtual().with(options().build())) {
      pool.map(HUNDRED, i -> i);
    }

    // The library's refresh thread is named "ProgressBar"; this JVM never drew a bar.
    assertThat(NoLeakedThreadsExtension.findLeakedThreads("ProgressBar")).isEmpty();
  }
}
