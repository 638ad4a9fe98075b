package dev.parmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Member;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The member list a pool keeps from membership events: the members that run chunks, and slots. */
class WorkersSnapshotTest {

  private static Member member(@Nullable String threads, boolean lite) {
    UUID uuid = UUID.randomUUID();
    return (Member)
        Proxy.newProxyInstance(
            Member.class.getClassLoader(),
            new Class<?>[] {Member.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getAttribute" -> threads;
                  case "isLiteMember" -> lite;
                  case "getUuid" -> uuid;
                  case "hashCode" -> uuid.hashCode();
                  case "equals" -> proxy == args[0];
                  case "toString" -> "member " + threads;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  @Test
  void theSnapshotHoldsTheMembersThatRunChunksAndTheSumOfTheirThreads() {
    Member four = member("4", false);
    Member plain = member(null, false);
    Member lite = member("8", true);
    Member two = member("2", false);

    MemberSelection.Workers workers = MemberSelection.Workers.of(List.of(four, plain, lite, two));

    assertThat(workers.members()).containsExactly(four, two);
    assertThat(workers.slots()).isEqualTo(6);
    assertThat(workers.size()).isEqualTo(2);
    assertThat(MemberSelection.Workers.NONE.slots()).isZero();
  }
}
