package dev.parmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Outcomes in completion order, each with its index: imap_unordered over enumerate. */
class StreamOutcomesUnorderedTest {

  @Test
  void outcomesComeInCompletionOrderEachWithItsItemAndIndex() {
    CountDownLatch secondHandedOver = new CountDownLatch(1);
    List<Outcome<String, String>> received = new ArrayList<>();
    try (Pool pool = Pool.virtual();
        Stream<Outcome<String, String>> outcomes =
            pool.streamOutcomesUnordered(
                List.of("slow", "fast", "broken"),
                item -> {
                  switch (item) {
                    case "slow" -> {
                      // Finishes only once "fast" has been handed over: it comes after it.
                      assertThat(secondHandedOver.await(30, TimeUnit.SECONDS)).isTrue();
                      return "SLOW";
                    }
                    case "broken" -> throw new IllegalStateException("broken");
                    default -> {
                      return item.toUpperCase(java.util.Locale.ROOT);
                    }
                  }
                })) {
      outcomes.forEach(
          outcome -> {
            received.add(outcome);
            if (outcome.index() == 1) {
              secondHandedOver.countDown();
            }
          });
    }
    assertThat(received).extracting(Outcome::index).containsExactlyInAnyOrder(0L, 1L, 2L);
    assertThat(received.indexOf(received.stream().filter(o -> o.index() == 1).findFirst().get()))
        .isLessThan(
            received.indexOf(received.stream().filter(o -> o.index() == 0).findFirst().get()));
    for (Outcome<String, String> outcome : received) {
      assertThat(outcome.item())
          .isEqualTo(List.of("slow", "fast", "broken").get((int) outcome.index()));
      if (outcome.index() == 2) {
        assertThat(outcome).isInstanceOf(Outcome.Failure.class);
        assertThat(((Outcome.Failure<String, String>) outcome).cause()).hasMessage("broken");
      } else {
        assertThat(outcome).isInstanceOf(Outcome.Success.class);
        assertThat(((Outcome.Success<String, String>) outcome).result())
            .isEqualTo(outcome.item().toUpperCase(java.util.Locale.ROOT));
      }
    }
  }
}
