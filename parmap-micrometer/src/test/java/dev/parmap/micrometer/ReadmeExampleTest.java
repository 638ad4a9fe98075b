package dev.parmap.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.MapOptions;
import dev.parmap.Pool;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example of the "Metrics (Micrometer)" section of docs/seeing-the-run.md and of this module's
 * README.md is this test's code, and works.
 */
class ReadmeExampleTest {

  private static final Path THIS_FILE =
      Path.of("src", "test", "java", "dev", "parmap", "micrometer", "ReadmeExampleTest.java");
  private static final String BEGIN = "// README example begins\n";
  private static final String END = "// README example ends\n";

  private final List<String> urls =
      IntStream.range(0, 20).mapToObj(i -> "https://" + i + ".example").toList();

  private static String fetch(String url) {
    return "<page of " + url + ">";
  }

  @Test
  void theExampleRecordsTheCallItsChunksAndItsItems() {
    // README example begins
    MeterRegistry registry = new SimpleMeterRegistry(); // in production: Prometheus, OTLP...
    MapOptions options = ParmapMetrics.on(registry, "fetch").addTo(MapOptions.builder()).build();
    try (Pool pool = Pool.virtual(8).with(options)) {
      List<String> pages = pool.map(urls, url -> fetch(url));
    }
    // README example ends

    String[] tags = {"name", "fetch", "call", "Pool.map", "pool", "Pool.virtual(8)"};
    assertThat(registry.get("parmap.calls").tags(tags).tag("ending", "completed").timer().count())
        .isEqualTo(1);
    assertThat(registry.get("parmap.items").tags(tags).tag("outcome", "success").counter().count())
        .isEqualTo(urls.size());
    assertThat(registry.get("parmap.chunks").tags(tags).timer().count()).isPositive();
    assertThat(registry.get("parmap.items.in.flight").tag("name", "fetch").gauge().value())
        .isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"../docs/seeing-the-run.md", "README.md"})
  void thePagesShowTheCodeOfThisTest(String page) throws IOException {
    String text = Files.readString(Path.of(page), StandardCharsets.UTF_8);
    int section = text.indexOf("## Metrics (Micrometer)\n");
    assertThat(section).as("a \"## Metrics (Micrometer)\" section in %s", page).isNotNegative();
    int start = text.indexOf("```java\n", section) + "```java\n".length();
    List<String> shown = stripped(text.substring(start, text.indexOf("```", start)));

    String source = Files.readString(THIS_FILE, StandardCharsets.UTF_8);
    int from = source.indexOf("    " + BEGIN) + 4 + BEGIN.length();
    List<String> tested = stripped(source.substring(from, source.indexOf(END, from)));

    assertThat(shown).isEqualTo(tested);
  }

  private static List<String> stripped(String code) {
    return code.strip().lines().map(String::strip).toList();
  }
}
