package dev.parmap.progressbar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parmap.CallInterruptedException;
import dev.parmap.MapOptions;
import dev.parmap.Pool;
import dev.parmap.junit.NoLeakedThreadsExtension;
import dev.parmap.junit.NoLeakedThreadsExtension.LeakedThread;
import dev.parmap.policy.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The terminal bar (forced, into a stream the test reads), through real calls. Each test class runs
 * in its own JVM (see the POM), so the library's refresh thread seen here is this class's.
 */
class BarTest {

  private static final List<Integer> TWO_HUNDRED = IntStream.range(0, 200).boxed().toList();

  /** The name of the library's refresh thread (me.tongfei.progressbar.Util.executor). */
  private static final String LIBRARY_THREAD = "ProgressBar";

  private final Captured out = new Captured();

  private ConsoleProgress bar() {
    return ConsoleProgress.builder()
        .name("download")
        .output(out.stream)
        .display(ConsoleProgress.Display.BAR)
        .build();
  }

  /** The bar's last rendering: the text after the last carriage return, escapes removed. */
  private String lastRender() {
    String text = out.text().stripTrailing();
    return text.substring(text.lastIndexOf('\r') + 1).replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "");
  }

  @Test
  void theBarEndsWithTheCountRateAndFailuresOfTheCall() {
    MapOptions options =
        MapOptions.builder()
            .listener(bar())
            .retry(Retry.builder().maxAttempts(2).backoff(Duration.ZERO, Duration.ZERO).build())
            .build();
    try (Pool pool = Pool.virtual().with(options)) {
      pool.mapOutcomes(
          TWO_HUNDRED,
          i -> {
            if (i % 50 == 7) {
              throw new IOException("fails twice");
            }
            return i;
          });
    }

    assertThat(lastRender())
        .startsWith("download 100% ")
        .containsPattern(" 200/200 \\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\) ")
        .containsPattern("\\d+\\.\\d/s, failed 4, retried 4$");
    assertThat(out.text()).endsWith(System.lineSeparator()); // the library ends the bar's line
  }

  @Test
  void anUnknownTotalDrawsAnIndefiniteBar() {
    Iterable<Integer> lazy = () -> TWO_HUNDRED.iterator(); // not a Collection
    try (Pool pool = Pool.virtual().with(MapOptions.builder().listener(bar()).build())) {
      pool.forEach(lazy, i -> {});
    }

    assertThat(lastRender()).startsWith("download  ? % ").contains(" 200/? (");
  }

  @Test
  void aStoppedCallSaysSo() {
    try (Pool pool = Pool.threads(1).with(MapOptions.builder().listener(bar()).build())) {
      assertThatThrownBy(
          () ->
              pool.forEach(
                  TWO_HUNDRED,
                  i -> {
                    throw new IOException("no");
                  }));
    }

    assertThat(lastRender()).containsPattern(" \\d+/200 .*, failed 1, stopped$");
  }

  @Test
  void afterTheCallNothingOfItsBarIsScheduledAndNothingMoreIsWritten() {
    try (Pool pool = Pool.virtual().with(MapOptions.builder().listener(bar()).build())) {
      pool.map(TWO_HUNDRED, i -> i);
    }
    String written = out.text();

    // The library keeps one daemon refresh thread for all bars of the JVM. Once the call's bar is
    // closed the thread has nothing scheduled: it parks without a timeout (WAITING) rather than
    // until the bar's next refresh (TIMED_WAITING; a cancelled refresh stays queued until its
    // time, at most 200 ms).
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(libraryThreads())
                    .singleElement()
                    .satisfies(t -> assertThat(t.getState()).isEqualTo(Thread.State.WAITING)));
    assertThat(libraryThreads().getFirst().isDaemon()).isTrue();
    assertThat(out.text()).isEqualTo(written);
    // And parmap's own threads are gone (the extension checks it too, after every test).
    assertThat(NoLeakedThreadsExtension.findLeakedThreads("parmap-"))
        .extracting(LeakedThread::name)
        .isEmpty();
  }

  @Test
  void manyCallsShareTheLibrarysOneThread() {
    ConsoleProgress shared = bar();
    try (Pool pool = Pool.virtual().with(MapOptions.builder().listener(shared).build())) {
      for (int call = 0; call < 5; call++) {
        pool.map(TWO_HUNDRED.subList(0, 10), i -> i);
      }
    }

    assertThat(libraryThreads()).hasSize(1);
    assertThat(out.text().split("download 100% ", -1)).hasSizeGreaterThanOrEqualTo(6);
  }

  @Test
  void twoStreamsReadAlternatelyOnOneThreadEachGetTheirOwnBar() {
    ConsoleProgress unnamed =
        ConsoleProgress.builder().output(out.stream).display(ConsoleProgress.Display.BAR).build();
    try (Pool pool = Pool.threads(2).with(MapOptions.builder().listener(unnamed).build())) {
      RealCallsTest.readAlternately(pool, 30, 70);
    }

    // Every rendering of either bar, escapes removed; each bar's last one is written when its
    // call finishes.
    List<String> renders =
        List.of(out.text().replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "").split("[\r\n]+"));
    assertThat(renders)
        .anyMatch(r -> r.startsWith("Pool.stream 100% ") && r.contains(" 30/30 ("))
        .anyMatch(r -> r.startsWith("Pool.stream 100% ") && r.contains(" 70/70 ("))
        .noneMatch(r -> r.endsWith("stopped"))
        .noneMatch(r -> r.contains(" 70/30 ") || r.contains(" 30/70 "));
  }

  @Test
  void anInterruptedCallKeepsItsInterruptFlagAndStillDrawsTheLastState() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    Thread caller = Thread.currentThread();
    Thread interrupter =
        Thread.ofPlatform()
            .name("interrupter")
            .start(
                () -> {
                  try {
                    running.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                  caller.interrupt();
                });
    try (Pool pool = Pool.virtual().with(MapOptions.builder().listener(bar()).build())) {
      assertThatThrownBy(
              () ->
                  pool.forEach(
                      TWO_HUNDRED.subList(0, 2),
                      i -> {
                        running.countDown();
                        Thread.sleep(Duration.ofMinutes(1));
                      }))
          .isInstanceOf(CallInterruptedException.class);
      // The call sets the flag again before onFinish; closing the bar must not lose it.
      assertThat(Thread.interrupted()).isTrue();
    } finally {
      interrupter.join(TimeUnit.SECONDS.toMillis(30));
    }

    assertThat(lastRender()).containsPattern(" 0/2 .*, stopped$");
  }

  private static List<Thread> libraryThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(LIBRARY_THREAD))
        .toList();
  }
}
