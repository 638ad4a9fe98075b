package dev.parmap.contextpropagation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parmap.testing.ModuleSurface;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pins the public face of the module and what it depends on. */
class ApiSurfaceTest {

  @Test
  void theOnlyPublicTypeIsContextRegistryPropagator() throws Exception {
    assertThat(ModuleSurface.publicTypesOf(ContextRegistryPropagator.class))
        .containsExactly(ContextRegistryPropagator.class.getName());
    assertThat(Modifier.isFinal(ContextRegistryPropagator.class.getModifiers())).isTrue();
    assertThat(ModuleSurface.publicMethodsOf(ContextRegistryPropagator.class))
        .containsExactly("capture", "toString");
    assertThat(ContextRegistryPropagator.class.getConstructors()).hasSize(2);
  }

  @Test
  void theModuleExportsItsPackageAndReadsParmapContextPropagationAndTheJdk() throws Exception {
    ModuleDescriptor module = ModuleSurface.descriptorOf(ContextRegistryPropagator.class);

    assertThat(module.name()).isEqualTo("dev.parmap.contextpropagation");
    assertThat(module.exports())
        .singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo("dev.parmap.contextpropagation"));
    Map<String, Set<Requires.Modifier>> requires = ModuleSurface.requiresOf(module);
    assertThat(requires)
        .containsOnlyKeys("java.base", "dev.parmap", "context.propagation", "org.jspecify");
    assertThat(requires.get("dev.parmap")).containsExactly(Requires.Modifier.TRANSITIVE);
    assertThat(requires.get("context.propagation")).containsExactly(Requires.Modifier.TRANSITIVE);
    assertThat(requires.get("org.jspecify")).containsExactly(Requires.Modifier.STATIC);
  }
}
