package dev.parmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.Outcome;
import dev.parmap.examples.FlakyHttpDemo.Behaviour;
import dev.parmap.examples.FlakyHttpDemo.Report;
import dev.parmap.examples.FlakyHttpDemo.ServerErrorException;
import dev.parmap.examples.FlakyHttpDemo.ServiceUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the demo once against its real local server and checks every item's outcome against the
 * server's script. No assertion is on time: the rate limit's timing is the demo's printout (and
 * parmap-core's tests, on a fake clock).
 */
class FlakyHttpDemoTest {

  private static final long SEED = FlakyHttpDemo.DEFAULT_SEED;

  /**
   * Longer than the demo's 0.5 s, so that an answer that comes at once never times out, even on a
   * slow, busy machine: the attempt counts then follow from the script alone.
   */
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private static Report report;

  /** One run for all the tests (about 3 s); bounded even if a policy were broken. */
  @BeforeAll
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  static void runTheDemo() throws IOException {
    report = FlakyHttpDemo.run(SEED, TIMEOUT);
  }

  @Test
  void theDemoUsesTheReadmesOptionsWithTheTestsTimeout() {
    assertThat(report.options().toString())
        .isEqualTo(
            ResilienceExamples.allPolicies().toBuilder().timeout(TIMEOUT).build().toString());
    assertThat(report.options().retry().maxAttempts()).isEqualTo(FlakyHttpDemo.MAX_ATTEMPTS);
    assertThat(FlakyHttpDemo.options(FlakyHttpDemo.TIMEOUT).toString())
        .isEqualTo(ResilienceExamples.allPolicies().toString());
  }

  @Test
  void everyItemHasExactlyOneOutcomeInIndexOrder() {
    List<Outcome<Integer, String>> all = report.outcomes().all();
    assertThat(all).hasSize(FlakyHttpDemo.ITEMS);
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).index()).isEqualTo(i);
      assertThat(all.get(i).item()).isEqualTo(i);
    }
  }

  @Test
  void itemsScriptedToRecoverSucceedWithTheScriptedNumberOfAttempts() {
    Map<Behaviour, Integer> attempts = new EnumMap<>(Behaviour.class);
    for (Outcome<Integer, String> outcome : report.outcomes().all()) {
      Behaviour behaviour = report.script().get(outcome.item());
      if (behaviour.recovers()) {
        assertThat(outcome)
            .as("item %d (%s)", outcome.item(), behaviour)
            .isInstanceOfSatisfying(
                Outcome.Success.class,
                success -> assertThat(success.result()).isEqualTo("item " + outcome.item()));
        attempts.merge(behaviour, outcome.attempts(), Math::max);
        assertThat(outcome.attempts())
            .as("attempts of item %d (%s)", outcome.item(), behaviour)
            .isEqualTo(behaviour.expectedAttempts());
      }
    }
    assertThat(attempts)
        .containsEntry(Behaviour.OK, 1)
        .containsEntry(Behaviour.FAIL_ONCE, 2)
        .containsEntry(Behaviour.FAIL_TWICE, 3);
  }

  @Test
  void aHangingFirstAttemptIsEndedByTheTimeoutAndTheSecondSucceeds() {
    // The server holds a hanging request until it stops, after the call; the HTTP client's own
    // timeout is longer than the call's deadline (and the deadline would make the item a
    // failure). So only parmap's per-attempt timeout can have ended the first attempt.
    assertThat(FlakyHttpDemo.REQUEST_TIMEOUT)
        .isGreaterThan(report.options().deadline().orElseThrow());
    List<Outcome<Integer, String>> hanging =
        report.outcomes().all().stream()
            .filter(o -> report.script().get(o.item()) == Behaviour.HANG_FIRST)
            .toList();
    assertThat(hanging)
        .hasSize(4)
        .allSatisfy(
            outcome -> {
              assertThat(outcome.isSuccess()).isTrue();
              assertThat(outcome.attempts()).isEqualTo(2);
            });
  }

  @Test
  void itemsScriptedToAlwaysFailAreFailuresWithTheirCause() {
    List<Outcome.Failure<Integer, String>> failures = report.outcomes().failures();
    assertThat(failures)
        .extracting(failure -> report.script().get(failure.item()))
        .containsOnly(Behaviour.ALWAYS_503, Behaviour.ALWAYS_500)
        .hasSize(4);
    for (Outcome.Failure<Integer, String> failure : failures) {
      switch (report.script().get(failure.item())) {
        case ALWAYS_503 -> {
          // An IOException: retried until the attempts ran out.
          assertThat(failure.attempts()).isEqualTo(FlakyHttpDemo.MAX_ATTEMPTS);
          assertThat(failure.cause())
              .isInstanceOf(ServiceUnavailableException.class)
              .hasMessageEndingWith("/item/" + failure.item());
        }
        case ALWAYS_500 -> {
          // Not an IOException: not retried.
          assertThat(failure.attempts()).isEqualTo(1);
          assertThat(failure.cause())
              .isInstanceOfSatisfying(
                  ServerErrorException.class, e -> assertThat(e.status()).isEqualTo(500));
        }
        default -> throw new AssertionError("unexpected failure " + failure);
      }
    }
  }

  @Test
  void everyAttemptIsOneRequestToTheServer() {
    List<Outcome<Integer, String>> all = report.outcomes().all();
    for (Outcome<Integer, String> outcome : all) {
      assertThat(report.requests().get(outcome.item()))
          .as("requests for item %d", outcome.item())
          .isEqualTo(outcome.attempts());
    }
    int attempts = all.stream().mapToInt(Outcome::attempts).sum();
    assertThat(report.starts()).hasSize(attempts);
    // 20 ok + 8 × 2 + 4 × 3 + 4 × 2 + 2 × 4 + 2 × 1
    assertThat(attempts).isEqualTo(66);
  }

  @Test
  void theReportCountsTheOutcomesAndListsEachFailure() {
    List<String> lines = report.lines();
    assertThat(lines.get(0))
        .startsWith("40 items in ")
        .endsWith(": 36 succeeded (16 after retries), 4 failed; 18 items retried");
    assertThat(lines.get(1))
        .isEqualTo(
            "attempts: 1 for 22, 2 for 12, 3 for 4, 4 for 2 items (66 in all; the server"
                + " received 66 requests)");
    assertThat(lines)
        .contains(
            "answers at once                 20         20  1",
            "503 on the 1st attempt           8          8  2",
            "503 on the 1st and 2nd           4          4  3",
            "hangs on the 1st attempt         4          4  2",
            "always 503 (retried)             2          0  4",
            "always 500 (not retried)         2          0  1");
    List<String> failureLines = lines.subList(lines.indexOf("failures:") + 1, lines.size());
    assertThat(failureLines).hasSize(4);
    for (Outcome.Failure<Integer, String> failure : report.outcomes().failures()) {
      assertThat(failureLines)
          .anyMatch(
              line ->
                  line.startsWith(String.format(Locale.ROOT, "  #%-3d after ", failure.item())));
    }
  }

  @Test
  void theScriptDependsOnTheSeedAloneAndHoldsTheFixedMix() {
    assertThat(FlakyHttpDemo.script(SEED)).isEqualTo(report.script());
    assertThat(FlakyHttpDemo.script(SEED + 1)).isNotEqualTo(report.script());
    Map<Behaviour, Integer> mix = new EnumMap<>(Behaviour.class);
    FlakyHttpDemo.script(SEED + 1).forEach(b -> mix.merge(b, 1, Integer::sum));
    assertThat(mix)
        .containsExactly(
            Map.entry(Behaviour.OK, 20),
            Map.entry(Behaviour.FAIL_ONCE, 8),
            Map.entry(Behaviour.FAIL_TWICE, 4),
            Map.entry(Behaviour.HANG_FIRST, 4),
            Map.entry(Behaviour.ALWAYS_503, 2),
            Map.entry(Behaviour.ALWAYS_500, 2));
  }

  @Test
  void noServerOrHttpClientThreadIsLeftRunning() throws InterruptedException {
    // parmap's own threads are checked after every test by NoLeakedThreadsExtension. The HTTP
    // client's workers may still be finishing right after close(): wait (bounded) for them to end.
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      String name = thread.getName();
      if (name.startsWith("HTTP-Dispatcher") || name.startsWith("HttpClient-")) {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      }
    }
    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .noneMatch(name -> name.startsWith("HTTP-Dispatcher"))
        .noneMatch(name -> name.startsWith("HttpClient-"));
  }
}
