package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The re-send cap of one chunk (it replaced ResendQueue's count, with the chunk's own thread). */
class ChunkLossesTest {

  @Test
  void aChunkIsReSentAtMostMaxResendsTimes() {
    ChunkLosses losses = new ChunkLosses(2);

    assertThat(losses.lost("a left")).isTrue();
    assertThat(losses.lost("b left")).isTrue();
    assertThat(losses.lost("c left")).isFalse();
    assertThat(losses.reasons()).containsExactly("a left", "b left", "c left");
  }

  @Test
  void zeroResendsFailsTheFirstLoss() {
    assertThat(new ChunkLosses(0).lost("a left")).isFalse();
  }
}
