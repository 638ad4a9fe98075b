package dev.parmap.mdc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parmap.MapOptions;
import dev.parmap.Pool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The "Logging context (MDC)" example of docs/seeing-the-run.md is this test's code, and works. */
class ReadmeExampleTest {

  private static final Path README = Path.of("..", "docs", "seeing-the-run.md");
  private static final Path THIS_FILE =
      Path.of("src", "test", "java", "dev", "parmap", "mdc", "ReadmeExampleTest.java");
  private static final String BEGIN = "// README example begins\n";
  private static final String END = "// README example ends\n";

  private static final Logger log = LoggerFactory.getLogger(ReadmeExampleTest.class);

  private final List<String> urls = List.of("https://a.example", "https://b.example");

  @AfterEach
  void clearTheMdc() {
    MDC.clear();
  }

  @Test
  void theExamplesLogLinesCarryTheRequestId() {
    ListAppender<ILoggingEvent> appender =
        new ListAppender<>() {
          @Override
          protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing(); // the MDC as it was on the logging thread
            super.append(event);
          }
        };
    appender.start();
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) log;
    logger.addAppender(appender);
    try {
      // README example begins
      MDC.put("requestId", "r-42");
      MapOptions options = MapOptions.builder().propagate(new MdcPropagator()).build();
      try (Pool pool = Pool.virtual().with(options)) {
        pool.forEach(urls, url -> log.info("fetching {}", url)); // each line has requestId=r-42
      }
      // README example ends
    } finally {
      logger.detachAppender(appender);
    }

    assertThat(appender.list)
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).isEqualTo(Map.of("requestId", "r-42")));
  }

  @Test
  void readmeShowsTheCodeOfThisTest() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int section = readme.indexOf("## Logging context (MDC)\n");
    assertThat(section)
        .as("a \"## Logging context (MDC)\" section in docs/seeing-the-run.md")
        .isNotNegative();
    int start = readme.indexOf("```java\n", section) + "```java\n".length();
    List<String> shown = stripped(readme.substring(start, readme.indexOf("```", start)));

    String source = Files.readString(THIS_FILE, StandardCharsets.UTF_8);
    int from = source.indexOf("      " + BEGIN) + 6 + BEGIN.length();
    List<String> tested = stripped(source.substring(from, source.indexOf(END, from)));

    assertThat(shown).isEqualTo(tested);
  }

  private static List<String> stripped(String code) {
    return code.strip().lines().map(String::strip).toList();
  }
}
