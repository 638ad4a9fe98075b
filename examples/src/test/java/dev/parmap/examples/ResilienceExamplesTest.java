package dev.parmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.MapOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResilienceExamplesTest {

  /** Tests run in the module's directory (examples/); docs/ is at the repository root. */
  private static final Path README = Path.of("..", "docs", "resilience.md");

  private static final Path SOURCE =
      Path.of("src", "main", "java", "dev", "parmap", "examples", "ResilienceExamples.java");

  private static final String SECTION =
      "# Resilience: timeouts, retries, rate limits, adaptive concurrency, deadlines, outcomes";

  @Test
  void everyJavaBlockOfTheResiliencePageIsInResilienceExamplesJava() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int start = readme.indexOf(SECTION);
    assertThat(start).as("the page docs/resilience.md").isNotNegative();
    int end = readme.indexOf("\n# ", start + SECTION.length());
    String section = readme.substring(start, end < 0 ? readme.length() : end);

    List<String> source =
        stripped(Files.readString(SOURCE, StandardCharsets.UTF_8).lines().toList());
    List<List<String>> blocks = javaBlocks(section);
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(7);
    for (List<String> block : blocks) {
      assertThat(Collections.indexOfSubList(source, stripped(block)))
          .as("docs block not found line for line in ResilienceExamples.java:%n%s", block)
          .isNotNegative();
    }
  }

  @Test
  void theOutcomesExamplePrintsEachFailureWithItsAttemptsThenThePagesInInputOrder() {
    PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      ResilienceExamples.outcomes(
          List.of("https://a.example", "http://b.example", "https://c.example"),
          ResilienceExamples.allPolicies());
    } finally {
      System.setOut(oldOut);
    }

    assertThat(out.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "http://b.example: 4 attempts, java.io.IOException: refused: http://b.example is not"
                + " https",
            "[<page of https://a.example>, <page of https://c.example>]");
  }

  @Test
  void onePolicyEachBuildsWhatTheReadmeSays() {
    List<Object> policies = ResilienceExamples.onePolicyEach();
    assertThat(policies).hasSize(10);
    assertThat(policies.get(0).toString()).startsWith("MapOptions[timeout=PT2S,");
    assertThat(policies.get(1).toString())
        .isEqualTo(
            "Retry[maxAttempts=4, backoff=PT0.1S..PT5S x2, jitter=0.5,"
                + " retryOn=[IOException, TimeoutException]]");
    assertThat(policies.get(2).toString()).isEqualTo("RateLimit[50 per PT1S]");
    assertThat(((MapOptions) policies.get(3)).deadline()).hasValue(java.time.Duration.ofMinutes(1));
    assertThat(((MapOptions) policies.get(4)).maxConcurrency()).hasValue(8);
    assertThat(((MapOptions) policies.get(5)).cancellationGrace())
        .isEqualTo(java.time.Duration.ofSeconds(5));
    dev.parmap.policy.Retry asTheServerSays = (dev.parmap.policy.Retry) policies.get(6);
    assertThat(asTheServerSays.delayFrom()).isPresent();
    assertThat(
            asTheServerSays
                .delayFrom()
                .orElseThrow()
                .apply(new ResilienceExamples.HttpStatusException(429, 30)))
        .hasValue(java.time.Duration.ofSeconds(30));
    assertThat(
            asTheServerSays
                .delayFrom()
                .orElseThrow()
                .apply(new ResilienceExamples.HttpStatusException(503, -1)))
        .isEmpty();
    dev.parmap.policy.AdaptiveConcurrency adaptive =
        (dev.parmap.policy.AdaptiveConcurrency) policies.get(7);
    assertThat(adaptive.initial()).isEqualTo(4);
    assertThat(adaptive.max()).isEqualTo(200);
    assertThat(adaptive.overloadIf().test(new ResilienceExamples.HttpStatusException(503, -1)))
        .isTrue();
    assertThat(adaptive.overloadIf().test(new ResilienceExamples.HttpStatusException(404, -1)))
        .isFalse();
    dev.parmap.policy.RateLimit forEveryCall = (dev.parmap.policy.RateLimit) policies.get(8);
    assertThat(forEveryCall.isShared()).isTrue();
    assertThat(forEveryCall).hasToString("RateLimit[50 per PT1S, shared]");
    assertThat(((MapOptions) policies.get(9)).failureBudget())
        .hasValue(dev.parmap.policy.FailureBudget.maxRatio(0.2, 100));
  }

  /** The lines of each ```java block of {@code text}. */
  private static List<List<String>> javaBlocks(String text) {
    List<List<String>> blocks = new ArrayList<>();
    List<String> current = null;
    for (String line : text.lines().toList()) {
      if (current == null && line.equals("```java")) {
        current = new ArrayList<>();
      } else if (current != null && line.equals("```")) {
        blocks.add(current);
        current = null;
      } else if (current != null) {
        current.add(line);
      }
    }
    return blocks;
  }

  /** The lines without their indentation, blank ones dropped. */
  private static List<String> stripped(List<String> lines) {
    return lines.stream().map(String::strip).filter(line -> !line.isEmpty()).toList();
  }
}
