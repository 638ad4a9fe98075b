package dev.parmap.scopedvalues;

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
  void theOnlyPublicTypeIsScopedValuePropagator() throws Exception {
    assertThat(ModuleSurface.publicTypesOf(ScopedValuePropagator.class))
        .containsExactly(ScopedValuePropagator.class.getName());
    assertThat(Modifier.isFinal(ScopedValuePropagator.class.getModifiers())).isTrue();
    assertThat(ModuleSurface.publicMethodsOf(ScopedValuePropagator.class))
        .containsExactly("capture", "equals", "hashCode", "of", "toString");
  }

  @Test
  void theModuleExportsItsPackageAndReadsParmapAndTheJdk() throws Exception {
    ModuleDescriptor module = ModuleSurface.descriptorOf(ScopedValuePropagator.class);

    assertThat(module.name()).isEqualTo("dev.parmap.scopedvalues");
    assertThat(module.exports())
        .singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo("dev.parmap.scopedvalues"));
    Map<String, Set<Requires.Modifier>> requires = ModuleSurface.requiresOf(module);
    assertThat(requires).containsOnlyKeys("java.base", "dev.parmap", "org.jspecify");
    assertThat(requires.get("dev.parmap")).containsExactly(Requires.Modifier.TRANSITIVE);
    assertThat(requires.get("org.jspecify")).containsExactly(Requires.Modifier.STATIC);
  }
}
