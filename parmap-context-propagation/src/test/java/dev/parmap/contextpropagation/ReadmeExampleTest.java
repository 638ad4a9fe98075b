package dev.parmap.contextpropagation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.MapOptions;
import dev.parmap.Pool;
import io.micrometer.context.ContextRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example of the "Context from Micrometer's ContextRegistry" section of docs/seeing-the-run.md
 * and of this module's README.md is this test's code, and works.
 */
class ReadmeExampleTest {

  private static final Path THIS_FILE =
      Path.of(
          "src", "test", "java", "dev", "parmap", "contextpropagation", "ReadmeExampleTest.java");
  private static final String SECTION = "## Context from Micrometer's ContextRegistry\n";
  private static final String BEGIN = "// README example begins\n";
  private static final String END = "// README example ends\n";

  private static final ThreadLocal<String> REQUEST_ID = new ThreadLocal<>();

  private final List<String> urls = List.of("https://a.example", "https://b.example");

  @AfterEach
  void unregister() {
    ContextRegistry.getInstance().removeThreadLocalAccessor("requestId");
    REQUEST_ID.remove();
  }

  /** What each fetch was called with: its url and the request id it saw. */
  private final Queue<String> fetched = new ConcurrentLinkedQueue<>();

  /** Stands in for an HTTP GET that sends the request id as a header. */
  private void fetch(String url) {
    fetched.add(url + " " + REQUEST_ID.get());
  }

  @Test
  void everyTaskSeesTheRequestId() {
    // README example begins
    ContextRegistry.getInstance().registerThreadLocalAccessor("requestId", REQUEST_ID); // once
    REQUEST_ID.set("r-42");
    MapOptions options = MapOptions.builder().propagate(new ContextRegistryPropagator()).build();
    try (Pool pool = Pool.virtual().with(options)) {
      pool.forEach(urls, url -> fetch(url)); // fetch reads REQUEST_ID: "r-42" in every task
    }
    // README example ends

    assertThat(fetched)
        .containsExactlyInAnyOrder("https://a.example r-42", "https://b.example r-42");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../docs/seeing-the-run.md", "README.md"})
  void thePagesShowTheCodeOfThisTest(String page) throws IOException {
    String text = Files.readString(Path.of(page), StandardCharsets.UTF_8);
    int section = text.indexOf(SECTION);
    assertThat(section).as("a \"%s\" section in %s", SECTION.strip(), page).isNotNegative();
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
