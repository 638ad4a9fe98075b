package dev.parmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the code of docs/cluster.md in step with ClusterDemo. Running the demo needs workers:
 * parmap-hazelcast's own tests start real ones.
 */
class ClusterDemoTest {

  private static final Path PAGE = Path.of("..", "docs", "cluster.md");

  private static final Path CLUSTER_DEMO =
      Path.of("src", "main", "java", "dev", "parmap", "examples", "ClusterDemo.java");

  @Test
  void everyLineOfTheClusterPagesSnippetIsInClusterDemo() throws IOException {
    String readme = Files.readString(PAGE, StandardCharsets.UTF_8);
    int section = readme.indexOf("## In your code");
    assertThat(section).as("docs/cluster.md has the section \"In your code\"").isNotNegative();
    int start = readme.indexOf("```java\n", section) + "```java\n".length();
    List<String> snippet =
        readme.substring(start, readme.indexOf("```", start)).lines().map(String::strip).toList();

    List<String> source =
        Files.readString(CLUSTER_DEMO, StandardCharsets.UTF_8).lines().map(String::strip).toList();

    assertThat(snippet).isNotEmpty();
    assertThat(source).containsAll(snippet);
  }
}
