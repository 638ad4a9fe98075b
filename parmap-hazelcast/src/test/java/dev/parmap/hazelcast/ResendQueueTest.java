package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResendQueueTest {

  @Test
  void aChunkQueuedAgainWhileItWaitsIsHeldOnceAndCountedOnce() {
    ResendQueue<String> queue = new ResendQueue<>(3);

    assertThat(queue.resend(10, "chunk 10")).isEqualTo(ResendQueue.Outcome.QUEUED);
    assertThat(queue.resend(10, "chunk 10")).isEqualTo(ResendQueue.Outcome.ALREADY_QUEUED);
    queue.add(10, "chunk 10");

    assertThat(queue.size()).isEqualTo(1);
    assertThat(queue.resends(10)).isEqualTo(1);
    assertThat(queue.poll()).isEqualTo("chunk 10");
    assertThat(queue.poll()).as("no second copy to send").isNull();
  }

  @Test
  void aChunkIsReSentAtMostMaxResendsTimes() {
    ResendQueue<String> queue = new ResendQueue<>(2);

    assertThat(queue.resend(0, "c")).isEqualTo(ResendQueue.Outcome.QUEUED);
    assertThat(queue.poll()).isEqualTo("c");
    assertThat(queue.resend(0, "c")).isEqualTo(ResendQueue.Outcome.QUEUED);
    assertThat(queue.poll()).isEqualTo("c");
    assertThat(queue.resend(0, "c")).isEqualTo(ResendQueue.Outcome.CAP_REACHED);
    assertThat(queue.poll()).isNull();
    assertThat(queue.resends(0)).isEqualTo(2);
  }

  @Test
  void zeroResendsFailsTheFirstLoss() {
    assertThat(new ResendQueue<String>(0).resend(5, "c"))
        .isEqualTo(ResendQueue.Outcome.CAP_REACHED);
    assertThatThrownBy(() -> new ResendQueue<String>(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void firstSendingsAreNotCountedAndChunksComeOutLowestIndexFirst() {
    ResendQueue<String> queue = new ResendQueue<>(1);
    queue.add(30, "c30");
    queue.add(30, "c30");
    assertThat(queue.resend(20, "c20")).isEqualTo(ResendQueue.Outcome.QUEUED);
    queue.add(10, "c10");

    assertThat(queue.resends(30)).isZero();
    assertThat(queue.poll()).isEqualTo("c10");
    assertThat(queue.poll()).isEqualTo("c20");
    assertThat(queue.poll()).isEqualTo("c30");
    assertThat(queue.poll()).isNull();
  }

  @Test
  void aChunkDoneLeavesTheQueueAndItsCount() {
    ResendQueue<String> queue = new ResendQueue<>(1);
    assertThat(queue.resend(0, "c")).isEqualTo(ResendQueue.Outcome.QUEUED);

    queue.done(0);

    assertThat(queue.poll()).isNull();
    assertThat(queue.resends(0)).isZero();
  }
}
