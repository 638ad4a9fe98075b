package dev.parmap.gatherers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.Parmap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example of docs/streams.md is the code of this test, and it works. */
class ReadmeExampleTest {

  /** Tests run in the module's directory (parmap-gatherers/); docs/ is at the root. */
  private static final Path README = Path.of("..", "docs", "streams.md");

  private static final Path THIS_FILE =
      Path.of("src", "test", "java", "dev", "parmap", "gatherers", "ReadmeExampleTest.java");

  private static final String BEGIN = "// README example begins";
  private static final String END = "// README example ends";

  @Test
  void theStreamIntegrationExampleMapsInOrder() {
    // README example begins
    List<String> urls = List.of("https://a.example", "http://b.example", "https://c.example");

    // At the end of a pipeline: a collector (parmap-core, Java 21+).
    List<Integer> sizes = urls.stream().collect(Parmap.toList(url -> fetch(url).length()));

    // Inside a pipeline: a gatherer (parmap-gatherers, Java 24+).
    List<String> firstTwoSecure =
        urls.stream()
            .filter(url -> url.startsWith("https:"))
            .gather(ParmapGatherers.map(16, url -> fetch(url))) // at most 16 in flight
            .limit(2)
            .toList();
    // README example ends

    assertThat(sizes).containsExactly(27, 26, 27);
    assertThat(firstTwoSecure)
        .containsExactly("<page of https://a.example>", "<page of https://c.example>");
  }

  @Test
  void readmeShowsTheCodeOfThisTest() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int section = readme.indexOf("# Stream integration");
    assertThat(section).as("a \"# Stream integration\" heading in docs/streams.md").isNotNegative();
    int start = readme.indexOf("```java\n", section) + "```java\n".length();
    List<String> shown = stripped(readme.substring(start, readme.indexOf("```", start)));

    String source = Files.readString(THIS_FILE, StandardCharsets.UTF_8);
    // The markers as comments on their own line (not the constants above).
    int from = source.indexOf(BEGIN + "\n") + BEGIN.length();
    List<String> tested = stripped(source.substring(from, source.indexOf(END + "\n", from)));

    assertThat(shown).isEqualTo(tested);
  }

  /** The lines without leading and trailing blanks (the README's code is less indented). */
  private static List<String> stripped(String code) {
    return code.strip().lines().map(String::strip).toList();
  }

  /** Stands in for a blocking call such as an HTTP GET. */
  static String fetch(String url) {
    return "<page of " + url + ">";
  }
}
