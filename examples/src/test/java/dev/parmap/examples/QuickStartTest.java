package dev.parmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class QuickStartTest {

  /** Tests run in the module's directory (examples/); the README is at the repository root. */
  private static final Path README = Path.of("..", "README.md");

  private static final Path QUICK_START =
      Path.of("src", "main", "java", "dev", "parmap", "examples", "QuickStart.java");

  @Test
  void readmeQuickStartIsQuickStartJavaFromItsImportsOn() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int start = readme.indexOf("```java\nimport ");
    assertThat(start).as("a ```java block starting with the imports in README.md").isNotNegative();
    int codeStart = start + "```java\n".length();
    String snippet = readme.substring(codeStart, readme.indexOf("```", codeStart));

    String source = Files.readString(QUICK_START, StandardCharsets.UTF_8);
    assertThat(snippet).isEqualTo(source.substring(source.indexOf("import ")));
  }

  @Test
  void quickStartPrintsThePagesInInputOrder() {
    PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      QuickStart.main(new String[0]);
    } finally {
      System.setOut(oldOut);
    }

    assertThat(out.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "[<page of https://a.example>, <page of https://b.example>,"
                + " <page of https://c.example>]",
            "[27, 27, 27]");
  }
}
