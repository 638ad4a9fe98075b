package dev.parmap.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parmap.Pool;
import dev.parmap.TaskFailedException;
import dev.parmap.TestAccess;
import java.lang.invoke.MethodHandles;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared secret: the core registers its public types once, when Pool is initialized. */
class SharedSecretsTest {

  @Test
  void poolsInitializationRegistersTheCoresPublicTypesOnce() throws Exception {
    MethodHandles.lookup().ensureInitialized(Pool.class); // what a front end does first

    PublicTypes types = SharedSecrets.coreTypes();

    assertThat(types).isSameAs(TestAccess.types());
    assertThat(types.taskFailed(3, "x", List.of(new IllegalStateException())))
        .isInstanceOf(TaskFailedException.class);
    assertThat(
            catchThrowableOfType(
                IllegalStateException.class, () -> SharedSecrets.setCoreTypes(types)))
        .hasMessageContaining("once");
    assertThat(SharedSecrets.coreTypes()).isSameAs(types);
  }

  @Test
  void aWorkerResourcesTaskReadsAsResourceWorkAndOtherTasksDoNot() throws Exception {
    MethodHandles.lookup().ensureInitialized(Pool.class);
    dev.parmap.Task<Integer, String> task =
        dev.parmap.WorkerResource.<StringBuilder>of(StringBuilder::new)
            .<Integer, String>task((sb, i) -> sb.append(i).toString());

    ResourceWork work = SharedSecrets.resourceWork(task);

    assertThat(work).isNotNull();
    Object made = work.create();
    assertThat(work.apply(made, 7)).isEqualTo("7");
    assertThat(SharedSecrets.resourceWork((dev.parmap.Task<Integer, Integer>) i -> i)).isNull();
    assertThat(
            catchThrowableOfType(
                IllegalStateException.class, () -> SharedSecrets.setResourceWorkReader(t -> null)))
        .hasMessageContaining("once");
  }
}
