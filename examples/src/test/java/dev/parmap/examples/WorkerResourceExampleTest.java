package dev.parmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerResourceExampleTest {

  @Test
  void printsTheHashesAndAtMostFourDigestsCreated() {
    PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      WorkerResourceExample.main(new String[0]);
    } finally {
      System.setOut(oldOut);
    }
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(4);
    // SHA-256 of "line 0"
    assertThat(lines.get(0)).startsWith("10000 hashes, the first ").hasSize(24 + 64);
    int created = Integer.parseInt(lines.get(1).replaceAll("\\D+(\\d+).*", "$1"));
    assertThat(created).isBetween(1, 4);
    assertThat(lines.get(2)).startsWith("of the first 1000 hashes, ");
    assertThat(lines.get(3)).startsWith("digests created for 10 calls on one pool: ");
    int kept = Integer.parseInt(lines.get(3).substring(lines.get(3).lastIndexOf(' ') + 1));
    assertThat(kept).as("kept by the pool: shared by the ten calls").isBetween(1, 4);
  }
}
