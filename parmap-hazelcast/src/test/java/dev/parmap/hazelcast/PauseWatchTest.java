package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PauseWatchTest {

  @Test
  void aJvmThatRunsOnHasNoPause() {
    try (PauseWatch watch = new PauseWatch("hz.test.pause-watch")) {
      assertThat(watch.longestPauseAfter(System.nanoTime() - 1_000_000_000L)).isZero();
    }
  }
}
