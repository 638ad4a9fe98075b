package dev.parmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every ```java block of README.md and of the pages under docs/ is compiled code: found line for
 * line (indentation and blank lines aside) in a Java source of one of parmap's modules, main or
 * test, whose own tests run it. A snippet edited in the docs alone fails this test.
 */
class DocsCodeTest {

  /** Tests run in the module's directory (examples/); the docs are at the repository root. */
  private static final Path ROOT = Path.of("..");

  @Test
  void everyJavaBlockOfTheDocsIsInACompiledSource() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<List<String>> sources = javaSources();
    assertThat(sources).hasSizeGreaterThan(50);

    int blocks = 0;
    for (Path page : pages) {
      for (List<String> block : javaBlocks(Files.readString(page, StandardCharsets.UTF_8))) {
        List<String> code = stripped(block);
        blocks++;
        assertThat(sources.stream().anyMatch(s -> Collections.indexOfSubList(s, code) >= 0))
            .as("a ```java block of %s is in no Java source of the repository:%n%s", page, block)
            .isTrue();
      }
    }
    assertThat(blocks).isGreaterThanOrEqualTo(15);
  }

  @Test
  void everyDocsPageIsLinkedFromTheReadme() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      assertThat(docs.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".md")))
          .allSatisfy(name -> assertThat(readme).contains("(docs/" + name + ")"));
    }
  }

  /** The lines, stripped, of every main and test Java source under the repository root. */
  private static List<List<String>> javaSources() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().contains("/src/"))
          .filter(p -> !p.toString().contains("/target/"))
          .map(DocsCodeTest::read)
          .map(text -> stripped(text.lines().toList()))
          .toList();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines of each ```java block of {@code text}. */
  static List<List<String>> javaBlocks(String text) {
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
  static List<String> stripped(List<String> lines) {
    return lines.stream().map(String::strip).filter(line -> !line.isEmpty()).toList();
  }
}
