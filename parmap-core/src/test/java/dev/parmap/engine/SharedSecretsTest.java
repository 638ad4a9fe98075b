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
}
