package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps every part of core small enough to read at one sitting: no main source file has more than
 * 400 lines of code (comments and blank lines excluded). A file that grows past it holds a second
 * job: give that job a part of its own (see docs/architecture.md).
 */
class SourceSizeTest {
  private static final int MAX_LINES_OF_CODE = 400;
  private static final Pattern BLOCK_COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);

  static long linesOfCode(String source) {
    String code =
        BLOCK_COMMENT
            .matcher(source)
            .replaceAll(m -> "\n".repeat((int) m.group().chars().filter(c -> c == '\n').count()));
    return code.lines()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("//"))
        .count();
  }

  @Test
  void countsCodeLinesOnly() {
    assertThat(linesOfCode("/** doc\n * more\n */\nclass A {\n\n  // note\n  int x; /* c */\n}\n"))
        .isEqualTo(3);
  }

  @Test
  void noMainSourceFileHasMoreThan400LinesOfCode() throws IOException {
    Path sources = Path.of("src/main/java");
    assertThat(sources).as("run from the parmap-core directory").isDirectory();
    List<String> tooLong = new ArrayList<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        long lines = linesOfCode(Files.readString(file));
        if (lines > MAX_LINES_OF_CODE) {
          tooLong.add(sources.relativize(file) + ": " + lines + " lines of code");
        }
      }
    }
    assertThat(tooLong).isEmpty();
  }
}
