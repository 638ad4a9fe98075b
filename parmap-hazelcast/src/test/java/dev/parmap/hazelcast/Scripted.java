package dev.parmap.hazelcast;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The scripted task of the parity tests: each attempt of an item is counted in a file of {@code
 * dir}, so that every JVM (the caller, each member) sees the same count, and what an item does
 * depends only on its index and its attempt.
 *
 * <ul>
 *   <li>items ending in 1 fail their first two attempts with an {@link IOException};
 *   <li>items ending in 3 always fail with an {@link IOException} (when {@code manyFail});
 *   <li>item 7 hangs at its first attempt, item 8 at every attempt (interrupted by the timeout);
 *   <li>item 9 fails with an {@link IllegalStateException} (when {@code manyFail});
 *   <li>the others return ten times their index.
 * </ul>
 */
record Scripted(String dir, boolean manyFail) implements SerializableTask<Integer, Integer> {
  private static final long serialVersionUID = 1L;

  @Override
  public Integer apply(Integer i) throws Exception {
    int attempt = nextAttempt(i);
    if (i % 10 == 1 && attempt <= 2) {
      throw new IOException("flaky " + i + " attempt " + attempt);
    }
    if (i % 10 == 3 && (manyFail || i == 3)) {
      throw new IOException("always " + i + " attempt " + attempt);
    }
    if (manyFail && (i == 8 || (i == 7 && attempt == 1))) {
      Thread.sleep(Duration.ofMinutes(5));
    }
    if (manyFail && i == 9) {
      throw new IllegalStateException("never " + i);
    }
    return i * 10;
  }

  private int nextAttempt(int i) throws IOException {
    for (int n = 1; ; n++) {
      try {
        Files.createFile(Path.of(dir, i + "-" + n));
        return n;
      } catch (FileAlreadyExistsException e) {
        // that attempt ran already
      }
    }
  }
}
