package dev.parmap.progressbar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.MapOptions;
import dev.parmap.Pool;
import dev.parmap.observe.ProgressListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The "Progress bar" and "Call statistics" examples of docs/seeing-the-run.md are the code of this
 * test, and they work. (Call statistics are parmap-core's; their example lives here with the rest
 * of the section.)
 */
class ReadmeExampleTest {

  /** Tests run in the module's directory (parmap-progressbar/); docs/ is at the root. */
  private static final Path README = Path.of("..", "docs", "seeing-the-run.md");

  private static final Path THIS_FILE =
      Path.of("src", "test", "java", "dev", "parmap", "progressbar", "ReadmeExampleTest.java");

  private final List<String> urls =
      IntStream.range(0, 20).mapToObj(i -> "https://example.org/" + i).toList();

  @Test
  @SuppressWarnings("UnusedVariable") // `pages`: the README example's results, unused here
  void theProgressBarExampleShowsTheCallOnStandardError() {
    Captured err = new Captured();
    PrintStream original = System.err;
    System.setErr(err.stream);
    try {
      // README example "Progress bar" begins
      MapOptions options =
          MapOptions.builder().listener(ConsoleProgress.bar("downloading")).build();
      try (Pool pool = Pool.virtual(8).with(options)) {
        List<String> pages = pool.map(urls, url -> fetch(url));
      }
      // README example "Progress bar" ends
    } finally {
      System.setErr(original);
    }

    // Not a terminal here: plain lines.
    assertThat(err.lines()).first().isEqualTo("downloading: started, 20 items");
    assertThat(err.lastLine()).startsWith("downloading: finished 20/20 in ");
  }

  @Test
  @SuppressWarnings("UnusedVariable") // `pages`: the README example's results, unused here
  void theCallStatisticsExamplePrintsTheCallsStatistics() {
    PrintStream original = System.out;
    Captured out = new Captured();
    System.setOut(out.stream);
    try {
      // README example "Call statistics" begins
      MapOptions options =
          MapOptions.builder()
              .listener(
                  ProgressListener.onFinish(
                      stats -> {
                        System.out.println(stats);
                        System.out.printf(
                            "%d items, %.1f items/s, p95 %d ms%n",
                            stats.items(), stats.throughput(), stats.latencyP95().toMillis());
                      }))
              .build();
      try (Pool pool = Pool.virtual(8).with(options)) {
        List<String> pages = pool.map(urls, url -> fetch(url));
      }
      // README example "Call statistics" ends
    } finally {
      System.setOut(original);
    }

    assertThat(out.lines().getFirst())
        .startsWith("Pool.map completed: 20 items (20 ok, 0 failed, 0 retries)");
    assertThat(out.lines().get(1)).matches("20 items, [0-9.]+ items/s, p95 \\d+ ms");
  }

  @Test
  void readmeShowsTheCodeOfThisTest() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    String source = Files.readString(THIS_FILE, StandardCharsets.UTF_8);
    for (String example : List.of("Progress bar", "Call statistics")) {
      int section = readme.indexOf("## " + example + "\n");
      assertThat(section)
          .as("a \"## %s\" section in docs/seeing-the-run.md", example)
          .isNotNegative();
      int start = readme.indexOf("```java\n", section) + "```java\n".length();
      List<String> shown = stripped(readme.substring(start, readme.indexOf("```", start)));

      String begin = "// README example \"" + example + "\" begins\n";
      String end = "// README example \"" + example + "\" ends\n";
      int from = source.indexOf(begin) + begin.length();
      List<String> tested = stripped(source.substring(from, source.indexOf(end, from)));

      assertThat(shown).as(example).isEqualTo(tested);
    }
  }

  /** The lines without leading and trailing blanks (the README's code is less indented). */
  private static List<String> stripped(String code) {
    return code.strip().lines().map(String::strip).toList();
  }

  /** Stands in for a blocking call such as an HTTP GET. */
  static String fetch(String url) throws InterruptedException {
    Thread.sleep(Duration.ofMillis(20));
    return "<page of " + url + ">";
  }
}
