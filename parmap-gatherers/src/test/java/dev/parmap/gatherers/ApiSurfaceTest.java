package dev.parmap.gatherers;

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
  void theOnlyPublicTypeIsParmapGatherersWithItsTwoMapMethods() throws Exception {
    assertThat(ModuleSurface.publicTypesOf(ParmapGatherers.class))
        .containsExactly("dev.parmap.gatherers.ParmapGatherers");

    Class<ParmapGatherers> type = ParmapGatherers.class;
    assertThat(Modifier.isFinal(type.getModifiers())).isTrue();
    assertThat(type.getConstructors()).isEmpty();
    assertThat(ModuleSurface.publicSignaturesOf(type))
        .containsExactly("map(Task)", "map(int,Task)");
  }

  @Test
  void theModuleExportsItsPackageAndReadsOnlyParmapCoreAndTheJdk() throws Exception {
    ModuleDescriptor module = ModuleSurface.descriptorOf(ParmapGatherers.class);

    assertThat(module.name()).isEqualTo("dev.parmap.gatherers");
    assertThat(module.exports())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.source()).isEqualTo("dev.parmap.gatherers");
              assertThat(e.isQualified()).isFalse();
            });
    Map<String, Set<Requires.Modifier>> requires = ModuleSurface.requiresOf(module);
    assertThat(requires).containsOnlyKeys("java.base", "dev.parmap", "org.jspecify");
    assertThat(requires.get("dev.parmap")).containsExactly(Requires.Modifier.TRANSITIVE);
    assertThat(requires.get("org.jspecify")).containsExactly(Requires.Modifier.STATIC);
  }
}
