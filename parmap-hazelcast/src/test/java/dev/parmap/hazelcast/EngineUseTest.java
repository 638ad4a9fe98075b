package dev.parmap.hazelcast;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import dev.parmap.engine.CallKind;
import dev.parmap.engine.CallOptions;
import dev.parmap.engine.ChunkRunner;
import dev.parmap.engine.ChunkSizing;
import dev.parmap.engine.ClosingStreams;
import dev.parmap.engine.Launcher;
import dev.parmap.engine.PoolContext;
import dev.parmap.engine.PoolTimer;
import dev.parmap.engine.PoolWork;
import dev.parmap.engine.PublicTypes;
import dev.parmap.engine.RemoteChunk;
import dev.parmap.engine.RemotePolicies;
import dev.parmap.engine.ResourceWork;
import dev.parmap.engine.Run;
import dev.parmap.engine.SharedSecrets;
import dev.parmap.engine.Submission;
import dev.parmap.engine.Ticker;
import dev.parmap.engine.WorkerResources;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The cluster is a front end on parmap-core's engine: of the engine (exported to this module and
 * the gatherer alone) it uses the call's coordinator over a remote launcher and what a front end
 * needs to make one, never the engine's parts (no window, sink, failure bookkeeping or chunk sizing
 * of its own to keep in step), nor a package-private part of the core.
 */
class EngineUseTest {

  private static final JavaClasses CLUSTER =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importLocations(
              Set.of(
                  Location.of(
                      ClusterPool.class.getProtectionDomain().getCodeSource().getLocation())));

  /**
   * What the cluster may use of the engine: the call ({@code Run}) made over its remote launcher
   * ({@code ChunkRunner}, {@code RemoteChunk}, {@code ChunkSizing}), the context and options of a
   * call ({@code PoolContext}, {@code Launcher.Virtual}, {@code PoolTimer}, {@code PoolWork},
   * {@code Ticker}, {@code CallKind}, {@code CallOptions}), mapAsync's future ({@code Submission}),
   * the self-closing streams ({@code ClosingStreams}), the shared secret ({@code SharedSecrets},
   * {@code PublicTypes}), the core's item-policy decisions for policies split between the caller
   * and the members ({@code RemotePolicies}), and the core's per-worker resources, kept on the
   * members ({@code WorkerResources}, {@code ResourceWork}).
   */
  private static final Class<?>[] ENGINE_ALLOWED = {
    Run.class,
    ChunkRunner.class,
    RemoteChunk.class,
    ChunkSizing.class,
    PoolContext.class,
    Launcher.Virtual.class,
    PoolTimer.class,
    PoolWork.class,
    Ticker.class,
    CallKind.class,
    CallOptions.class,
    Submission.class,
    Submission.Kind.class,
    ClosingStreams.class,
    SharedSecrets.class,
    PublicTypes.class,
    RemotePolicies.class,
    ResourceWork.class,
    WorkerResources.class
  };

  @Test
  void theClusterUsesOfTheEngineOnlyTheCallItsRemoteLauncherAndTheSharedSecret() {
    noClasses()
        .that()
        .resideInAPackage("dev.parmap.hazelcast")
        .should()
        .dependOnClassesThat(
            resideInAPackage("dev.parmap.engine").and(not(belongToAnyOf(ENGINE_ALLOWED))))
        .check(CLUSTER);

    // Pinned exactly, so that an engine class the cluster stops needing leaves the list too.
    Set<String> used =
        CLUSTER.stream()
            .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
            .map(Dependency::getTargetClass)
            .map(t -> t.isArray() ? t.getBaseComponentType() : t)
            .filter(t -> t.getPackageName().equals("dev.parmap.engine"))
            .map(JavaClass::getName)
            .map(n -> n.substring("dev.parmap.engine.".length()))
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(used)
        .containsExactlyInAnyOrderElementsOf(
            java.util.Arrays.stream(ENGINE_ALLOWED)
                .map(c -> c.getName().substring("dev.parmap.engine.".length()))
                .toList());
  }

  @Test
  void theClusterUsesNothingPackagePrivateOfTheCore() {
    noClasses()
        .that()
        .resideInAPackage("dev.parmap.hazelcast")
        .should()
        .dependOnClassesThat(
            com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage(
                    "dev.parmap", "dev.parmap.engine", "dev.parmap.policy", "dev.parmap.observe")
                .and(
                    com.tngtech.archunit.core.domain.properties.HasModifiers.Predicates.modifier(
                            com.tngtech.archunit.core.domain.JavaModifier.PUBLIC)
                        .negate()))
        .check(CLUSTER);
  }
}
