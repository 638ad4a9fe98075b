package dev.parmap.mdc;

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
  void theOnlyPublicTypeIsMdcPropagator() throws Exception {
    assertThat(ModuleSurface.publicTypesOf(MdcPropagator.class))
        .containsExactly(MdcPropagator.class.getName());
    assertThat(Modifier.isFinal(MdcPropagator.class.getModifiers())).isTrue();
    assertThat(ModuleSurface.publicMethodsOf(MdcPropagator.class))
        .containsExactly("capture", "toString");
  }

  @Test
  void theModuleExportsItsPackageAndReadsParmapSlf4jAndTheJdk() throws Exception {
    ModuleDescriptor module = ModuleSurface.descriptorOf(MdcPropagator.class);

    assertThat(module.name()).isEqualTo("dev.parmap.mdc");
    assertThat(module.exports())
        .singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo("dev.parmap.mdc"));
    Map<String, Set<Requires.Modifier>> requires = ModuleSurface.requiresOf(module);
    assertThat(requires).containsOnlyKeys("java.base", "dev.parmap", "org.slf4j", "org.jspecify");
    assertThat(requires.get("dev.parmap")).containsExactly(Requires.Modifier.TRANSITIVE);
    assertThat(requires.get("org.jspecify")).containsExactly(Requires.Modifier.STATIC);
  }
}
