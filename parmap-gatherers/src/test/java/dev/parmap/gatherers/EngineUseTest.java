package dev.parmap.gatherers;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasModifiers.Predicates.modifier;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import dev.parmap.engine.PoolContext;
import dev.parmap.engine.PublicTypes;
import dev.parmap.engine.SharedSecrets;
import dev.parmap.engine.StreamPush;
import dev.parmap.engine.Work;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The gatherer is an adapter on parmap-core's engine: it uses the core's public API, and of the
 * engine (exported to this module alone) only what an adapter must, never a package-private part of
 * the core.
 */
class EngineUseTest {

  /** This module's classes only. */
  private static final JavaClasses GATHERERS =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importLocations(
              Set.of(
                  Location.of(
                      ParmapGatherers.class.getProtectionDomain().getCodeSource().getLocation())));

  /**
   * What the gatherer may use of the engine: the push-driven driver of a call ({@code StreamPush}),
   * the task as the engine runs it ({@code Work}), the shared secret that hands it the core's
   * exceptions ({@code SharedSecrets}, {@code PublicTypes}), and the window's constant ({@code
   * PoolContext.DEFAULT_WINDOW}, which javac inlines).
   */
  private static final Class<?>[] ENGINE_ALLOWED = {
    StreamPush.class, Work.class, SharedSecrets.class, PublicTypes.class, PoolContext.class
  };

  @Test
  void theGathererUsesOfTheEngineOnlyTheDriverTheWorkAndTheSharedSecret() {
    noClasses()
        .that()
        .resideInAPackage("dev.parmap.gatherers")
        .should()
        .dependOnClassesThat(
            resideInAPackage("dev.parmap.engine").and(not(belongToAnyOf(ENGINE_ALLOWED))))
        .check(GATHERERS);

    // Pinned exactly, so that an engine class the gatherer stops needing leaves the list too. Work
    // (the target type of a method reference, an invokedynamic) and PoolContext (an inlined
    // constant) leave no trace in the bytecode that ArchUnit reads.
    Set<String> used =
        GATHERERS.stream()
            .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
            .map(Dependency::getTargetClass)
            .map(t -> t.isArray() ? t.getBaseComponentType() : t)
            .filter(t -> t.getPackageName().equals("dev.parmap.engine"))
            .map(JavaClass::getSimpleName)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(used).containsExactly("PublicTypes", "SharedSecrets", "StreamPush");
  }

  @Test
  void theGathererUsesNothingPackagePrivateOfTheCore() {
    noClasses()
        .that()
        .resideInAPackage("dev.parmap.gatherers")
        .should()
        .dependOnClassesThat(
            resideInAPackage("dev.parmap..")
                .and(not(resideInAPackage("dev.parmap.gatherers")))
                .and(not(modifier(JavaModifier.PUBLIC))))
        .check(GATHERERS);
  }

  @Test
  void theGathererDependsOnTheCoreAndTheJdkAlone() {
    classes()
        .that()
        .resideInAPackage("dev.parmap.gatherers")
        .should()
        .onlyDependOnClassesThat(
            resideInAnyPackage(
                "dev.parmap.gatherers",
                "dev.parmap",
                "dev.parmap.engine",
                "java..",
                "org.jspecify.annotations.."))
        .check(GATHERERS);
  }
}
