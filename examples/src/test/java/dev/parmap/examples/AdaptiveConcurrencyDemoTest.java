package dev.parmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.examples.AdaptiveConcurrencyDemo.Kind;
import dev.parmap.examples.AdaptiveConcurrencyDemo.Report;
import dev.parmap.examples.AdaptiveConcurrencyDemo.Run;
import dev.parmap.examples.AdaptiveConcurrencyDemo.Scenario;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the demo small against its real local servers and checks only what a loaded 2-core machine
 * cannot make flaky: every request succeeds in the end, the adaptive run meets far fewer overload
 * answers than the too-high one, the printout has its lines. No assertion is on time: the figures
 * of the goal are the demo's printout, measured and reported in docs/resilience.md.
 */
class AdaptiveConcurrencyDemoTest {

  private static final Scenario SMALL = new Scenario(8, Duration.ofMillis(5), 200);

  private static Report report;

  /** One run for all the tests (a few seconds); bounded even if a policy were broken. */
  @BeforeAll
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  static void runTheDemoSmall() throws IOException {
    report = AdaptiveConcurrencyDemo.run(SMALL);
  }

  @Test
  void theFourRunsComeInTheDocumentedOrder() {
    assertThat(report.runs())
        .extracting(Run::kind)
        .containsExactly(Kind.TOO_HIGH, Kind.TOO_LOW, Kind.AT_CAPACITY, Kind.ADAPTIVE);
    assertThat(report.runs())
        .extracting(Run::label)
        .containsExactly(
            "fixed 32 (too high)",
            "fixed 1 (too low)",
            "fixed 8 (the capacity)",
            "adaptive (4 up to 32)");
  }

  @Test
  void everyRequestSucceedsInTheEndInEveryRun() {
    assertThat(report.runs())
        .allSatisfy(
            run -> {
              assertThat(run.succeeded()).as(run.label()).isEqualTo(SMALL.requests());
              assertThat(run.failed()).as(run.label()).isZero();
              // Every request the server saw is one success or one overload answer.
              assertThat(run.requests())
                  .as(run.label())
                  .isEqualTo(SMALL.requests() + run.overload());
            });
  }

  @Test
  void aFixedLimitAtOrBelowTheCapacityIsNeverRefused() {
    assertThat(report.run(Kind.TOO_LOW).overload()).isZero();
    assertThat(report.run(Kind.AT_CAPACITY).overload()).isZero();
    assertThat(report.run(Kind.TOO_LOW).mostAtOnce()).isEqualTo(SMALL.tooLow());
    assertThat(report.run(Kind.AT_CAPACITY).mostAtOnce()).isLessThanOrEqualTo(SMALL.capacity());
  }

  @Test
  void theAdaptiveRunMeetsFewerOverloadAnswersThanTheTooHighOne() {
    Run tooHigh = report.run(Kind.TOO_HIGH);
    Run adaptive = report.run(Kind.ADAPTIVE);
    // 4 times the capacity at once: most of the first wave alone is refused.
    assertThat(tooHigh.overload()).isGreaterThanOrEqualTo(SMALL.capacity());
    assertThat(adaptive.overload())
        .as("overload answers: adaptive %d, too high %d", adaptive.overload(), tooHigh.overload())
        .isLessThan(tooHigh.overload());
    assertThat(adaptive.mostAtOnce()).isLessThanOrEqualTo(SMALL.tooHigh());
  }

  @Test
  void thePrintoutHasTheDocumentedLines() {
    List<String> lines = report.lines();
    assertThat(lines.get(0))
        .isEqualTo(
            "server: 8 requests at once, 5 ms each (at most 1,600 answers/s); 503 at once above 8"
                + " in flight");
    assertThat(lines.get(1))
        .isEqualTo(
            "        429 with Retry-After: 1 above 3,200 requests/s (bursts of 16): twice what it"
                + " can serve, met only far above the capacity");
    assertThat(lines.get(2)).startsWith("client: 200 GETs per run on Pool.virtual()");
    assertThat(lines.get(3))
        .startsWith("adaptive: AdaptiveConcurrency[initial=4, min=1, max=32,")
        .contains("overloadIf=HTTP 503 or 429]")
        .endsWith(
            "and maxConcurrency 32 (the same ceiling: it bounds the tasks waiting for the limit)");
    assertThat(lines.get(5))
        .isEqualTo(
            "run                            time  requests    503    429  overload  at once (mean)"
                + " vs fixed 8");
    for (int i = 0; i < report.runs().size(); i++) {
      Run run = report.runs().get(i);
      assertThat(lines.get(6 + i))
          .startsWith(String.format("%-26s ", run.label()))
          .matches(
              ".* s +" + run.requests() + " +" + run.unavailable() + " +" + run.tooMany() + " .*")
          .endsWith("x");
    }
    assertThat(lines.get(6 + 2)).endsWith(" 1.00x");
    assertThat(lines).contains("every run: all 200 requests succeeded in the end");
    assertThat(lines.get(lines.size() - 2))
        .startsWith("goal (issue 16): adaptive within 1.3x of fixed at the capacity: ")
        .contains("; at most 5% overload answers: ")
        .endsWith("; too high: " + report.run(Kind.TOO_HIGH).overload() + " overload answers");
    assertThat(lines.get(lines.size() - 1))
        .startsWith(report.processors() + " processors, load average ");
  }
}
