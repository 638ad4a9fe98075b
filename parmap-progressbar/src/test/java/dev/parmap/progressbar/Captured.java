package dev.parmap.progressbar;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A PrintStream whose text a test reads. */
final class Captured {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  String text() {
    stream.flush();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  List<String> lines() {
    return text().lines().toList();
  }

  String lastLine() {
    List<String> lines = lines();
    return lines.isEmpty() ? "" : lines.getLast();
  }
}
