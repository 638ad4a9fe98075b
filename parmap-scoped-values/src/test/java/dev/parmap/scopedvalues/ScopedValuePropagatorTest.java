package dev.parmap.scopedvalues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parmap.MapOptions;
import dev.parmap.Pool;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The caller's ScopedValue bindings in the tasks, and nowhere else. */
class ScopedValuePropagatorTest {
  private static final ScopedValue<String> USER = ScopedValue.newInstance();
  private static final ScopedValue<Integer> TENANT = ScopedValue.newInstance();

  static Stream<Arguments> pools() {
    return Stream.of(
        Arguments.of("Pool.virtual()", (Supplier<Pool>) Pool::virtual),
        Arguments.of("Pool.threads(2)", (Supplier<Pool>) () -> Pool.threads(2)));
  }

  private static List<Integer> items(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  private static final MapOptions PROPAGATING =
      MapOptions.builder().propagate(ScopedValuePropagator.of(USER, TENANT)).build();

  @ParameterizedTest(name = "{0}")
  @MethodSource("pools")
  void everyTaskReadsTheCallersBindingAndUnrelatedWorkAfterwardsDoesNot(
      String name, Supplier<Pool> kind) throws Exception {
    try (Pool pool = kind.get()) {
      List<String> seen =
          ScopedValue.where(USER, "alice")
              .where(TENANT, 7)
              .call(
                  () ->
                      pool.with(PROPAGATING)
                          .map(items(2_000), i -> USER.get() + "@" + TENANT.get()));
      assertThat(seen).hasSize(2_000).containsOnly("alice@7");

      // Unrelated work on the same threads afterwards: no binding left behind.
      assertThat(pool.map(items(2_000), i -> USER.isBound() || TENANT.isBound()))
          .containsOnly(false);
      assertThat(pool.submit(USER::isBound).get()).isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pools")
  void withoutThePropagatorTasksSeeNoBinding(String name, Supplier<Pool> kind) throws Exception {
    try (Pool pool = kind.get()) {
      List<Boolean> bound =
          ScopedValue.where(USER, "alice").call(() -> pool.map(items(100), i -> USER.isBound()));
      assertThat(bound).containsOnly(false);
    }
  }

  @Test
  void keysNotBoundByTheCallerStayUnboundInTheTasks() {
    try (Pool pool = Pool.threads(2).with(PROPAGATING)) {
      assertThat(pool.map(items(100), i -> USER.isBound() || TENANT.isBound())).containsOnly(false);
      List<String> onlyUser =
          ScopedValue.where(USER, "bob")
              .call(() -> pool.map(items(100), i -> USER.get() + TENANT.isBound()));
      assertThat(onlyUser).containsOnly("bobfalse");
    }
  }

  @Test
  void aStreamsTasksSeeTheBindingOfWhenTheCallWasMade() {
    try (Pool pool = Pool.virtual().with(PROPAGATING)) {
      Stream<String> users =
          ScopedValue.where(USER, "carol").call(() -> pool.stream(items(500), i -> USER.get()));
      try (users) {
        assertThat(users.toList()).hasSize(500).containsOnly("carol");
      }
    }
  }

  @Test
  void aNullBindingIsCarriedAsItIs() {
    ScopedValue<String> nullable = ScopedValue.newInstance();
    MapOptions options = MapOptions.builder().propagate(ScopedValuePropagator.of(nullable)).build();
    try (Pool pool = Pool.threads(2).with(options)) {
      List<Boolean> bound =
          ScopedValue.where(nullable, (String) null)
              .call(() -> pool.map(items(10), i -> nullable.isBound() && nullable.get() == null));
      assertThat(bound).containsOnly(true);
    }
  }

  @Test
  void ofNeedsAtLeastOneKeyAndNoNull() {
    assertThatThrownBy(ScopedValuePropagator::of).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ScopedValuePropagator.of(USER, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void propagatorsOfTheSameKeysAreEqual() {
    assertThat(ScopedValuePropagator.of(USER, TENANT))
        .isEqualTo(ScopedValuePropagator.of(USER, TENANT))
        .hasSameHashCodeAs(ScopedValuePropagator.of(USER, TENANT))
        .isNotEqualTo(ScopedValuePropagator.of(USER))
        .isNotEqualTo("USER");
    assertThat(ScopedValuePropagator.of(USER).toString()).startsWith("ScopedValuePropagator[");
  }
}
