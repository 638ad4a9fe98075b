package dev.parmap;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.parmap.observe.CallInfo;
import dev.parmap.observe.CallObserver;
import dev.parmap.observe.CallStats;
import dev.parmap.observe.ChunkEvent;
import dev.parmap.observe.Progress;
import dev.parmap.observe.ProgressListener;
import dev.parmap.policy.AdaptiveConcurrency;
import dev.parmap.policy.RateLimit;
import dev.parmap.policy.Retry;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Pins the public face of the core module and that it depends on the JDK alone. */
class ApiSurfaceTest {

  /** The classes of the core module only (not of test-support, which shares the prefix). */
  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importLocations(
              Set.of(Location.of(Pool.class.getProtectionDomain().getCodeSource().getLocation())));

  @Test
  void theExportedTypesAreExactlyThese() {
    Set<String> publicTypes =
        CORE.stream()
            .filter(
                c ->
                    c.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC))
            .filter(c -> !c.isNestedClass())
            .filter(c -> !isEngine(c)) // public for the front ends, but not exported
            .map(c -> c.getName())
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(publicTypes)
        .containsExactly(
            "dev.parmap.Action",
            "dev.parmap.CallInterruptedException",
            "dev.parmap.DeadlineExceededException",
            "dev.parmap.FailureBudgetExceededException",
            "dev.parmap.InputFailedException",
            "dev.parmap.MapOptions",
            "dev.parmap.Outcome",
            "dev.parmap.Outcomes",
            "dev.parmap.ParallelPool",
            "dev.parmap.Parmap",
            "dev.parmap.ParmapException",
            "dev.parmap.Pool",
            "dev.parmap.ResourceAction",
            "dev.parmap.ResourceTask",
            "dev.parmap.Task",
            "dev.parmap.TaskFailedException",
            "dev.parmap.WorkerResource",
            "dev.parmap.observe.CallInfo",
            "dev.parmap.observe.CallObserver",
            "dev.parmap.observe.CallStats",
            "dev.parmap.observe.ChunkEvent",
            "dev.parmap.observe.ContextPropagator",
            "dev.parmap.observe.Progress",
            "dev.parmap.observe.ProgressListener",
            "dev.parmap.policy.AdaptiveConcurrency",
            "dev.parmap.policy.FailureBudget",
            "dev.parmap.policy.RateLimit",
            "dev.parmap.policy.Retry");
  }

  @Test
  void thePublicMethodsOfPoolAndParmapAreExactlyThese() {
    assertThat(publicMethods(Pool.class))
        .containsExactly(
            "close",
            "forEach",
            "isClosed",
            "map",
            "mapAsync",
            "mapOutcomes",
            "options",
            "stream",
            "streamOutcomes",
            "streamOutcomesUnordered",
            "streamUnordered",
            "submit",
            "terminate",
            "threads",
            "threads",
            "toString",
            "using",
            "virtual",
            "virtual",
            "with");
    assertThat(publicMethods(Parmap.class)).containsExactly("forEach", "map", "toList");
  }

  @Test
  void theCallsEveryPoolHasAreExactlyTheseAndPoolImplementsThem() throws Exception {
    assertThat(publicMethods(ParallelPool.class))
        .containsExactly(
            "close",
            "forEach",
            "forEachWith",
            "map",
            "mapAsync",
            "mapOutcomes",
            "mapWith",
            "stream",
            "streamOutcomes",
            "streamOutcomesUnordered",
            "streamUnordered",
            "with");
    assertThat(ParallelPool.class.getInterfaces()).containsExactly(AutoCloseable.class);
    assertThat(ParallelPool.class.getMethod("close").getExceptionTypes()).isEmpty();
    assertThat(ParallelPool.class).isAssignableFrom(Pool.class);
    // with() keeps the concrete type: a Pool's view is a Pool
    assertThat(Pool.class.getMethod("with", MapOptions.class).getReturnType())
        .isEqualTo(Pool.class);
  }

  @Test
  void thePoliciesAreValuesWithGettersAndNoEngineHooks() {
    assertThat(publicMethods(Retry.class))
        .containsExactly(
            "builder",
            "delayFrom",
            "equals",
            "hashCode",
            "initialDelay",
            "jitter",
            "maxAttempts",
            "maxDelay",
            "multiplier",
            "none",
            "retryable",
            "toBuilder",
            "toString");
    assertThat(publicMethods(Retry.Builder.class))
        .containsExactly(
            "backoff",
            "build",
            "delayFrom",
            "jitter",
            "maxAttempts",
            "multiplier",
            "retryIf",
            "retryOn");
    assertThat(publicMethods(RateLimit.class))
        .containsExactly(
            "equals", "hashCode", "isShared", "of", "period", "permits", "shared", "toString");
    assertThat(publicMethods(AdaptiveConcurrency.class))
        .containsExactly(
            "backoffRatio",
            "builder",
            "equals",
            "hashCode",
            "initial",
            "isShared",
            "latencyTolerance",
            "max",
            "min",
            "overloadIf",
            "shared",
            "toBuilder",
            "toString");
    assertThat(publicMethods(AdaptiveConcurrency.Builder.class))
        .containsExactly(
            "backoffRatio", "build", "initial", "latencyTolerance", "max", "min", "overloadIf");
  }

  @Test
  void theOptionsAreAValueWithABuilder() {
    assertThat(publicMethods(MapOptions.class))
        .containsExactly(
            "adaptiveConcurrency",
            "builder",
            "cancellationGrace",
            "deadline",
            "defaults",
            "equals",
            "failureBudget",
            "hashCode",
            "listener",
            "maxConcurrency",
            "progressInterval",
            "propagators",
            "rateLimit",
            "retry",
            "timeout",
            "toBuilder",
            "toString");
    assertThat(publicMethods(MapOptions.Builder.class))
        .containsExactly(
            "adaptiveConcurrency",
            "build",
            "cancellationGrace",
            "deadline",
            "failureBudget",
            "listener",
            "maxConcurrency",
            "progressInterval",
            "propagate",
            "rateLimit",
            "retry",
            "timeout");
  }

  @Test
  void aListenerMakesOneObserverPerCall() throws Exception {
    assertThat(publicMethods(ProgressListener.class)).containsExactly("onFinish", "onStart");
    assertThat(ProgressListener.class.getMethod("onStart", CallInfo.class).getReturnType())
        .isEqualTo(CallObserver.class);
    assertThat(publicMethods(CallObserver.class))
        .containsExactly("onChunk", "onFinish", "onProgress", "wantsChunks");
  }

  @Test
  void theObservedValuesAreFinalClassesThatCanGrow() {
    for (Class<?> value :
        List.of(CallInfo.class, CallStats.class, ChunkEvent.class, Progress.class)) {
      assertThat(value.isRecord()).as("%s is a record", value).isFalse();
      assertThat(Modifier.isFinal(value.getModifiers())).as("%s is final", value).isTrue();
      assertThat(value.getConstructors()).as("%s has public constructors", value).isEmpty();
      assertThat(Arrays.stream(value.getDeclaredFields()).map(Field::getModifiers))
          .as("%s's fields are private and final", value)
          .allMatch(m -> Modifier.isPrivate(m) && Modifier.isFinal(m));
    }
  }

  @Test
  void coreDependsOnTheJdkAlone() {
    classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "dev.parmap..", "java..", "jdk.jfr", "org.jspecify.annotations..") // JFR: events
        .check(CORE);
  }

  @Test
  void thePublicApiExposesNoEngineType() {
    // Every type a public member of a public class of an exported package mentions is itself
    // public and exported (or the JDK's): the engine (dev.parmap.engine, not exported, and the
    // package-private parts of the others) never leaks into the API.
    java.util.List<String> leaks = new java.util.ArrayList<>();
    for (JavaClass type : CORE) {
      if (!type.getModifiers().contains(JavaModifier.PUBLIC) || isEngine(type)) {
        continue;
      }
      for (JavaMember member : type.getMembers()) {
        if (!member.getModifiers().contains(JavaModifier.PUBLIC)
            && !member.getModifiers().contains(JavaModifier.PROTECTED)) {
          continue;
        }
        java.util.List<JavaClass> mentioned = new java.util.ArrayList<>();
        if (member instanceof JavaCodeUnit unit) {
          mentioned.add(unit.getRawReturnType());
          mentioned.addAll(unit.getRawParameterTypes());
        } else if (member instanceof JavaField field) {
          mentioned.add(field.getRawType());
        }
        for (JavaClass used : mentioned) {
          JavaClass base = used.isArray() ? used.getBaseComponentType() : used;
          if (base.getPackageName().startsWith("dev.parmap")
              && (!base.getModifiers().contains(JavaModifier.PUBLIC) || isEngine(base))) {
            leaks.add(member.getFullName() + " mentions " + base.getName());
          }
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  private static boolean isEngine(JavaClass type) {
    return type.getPackageName().equals("dev.parmap.engine");
  }

  @Test
  void theEngineDependsOnThePublicPolicyAndObserveTypesAloneNeverOnTheFrontEnd() {
    // The layering: dev.parmap (the pools, the public types) uses dev.parmap.engine, which uses
    // dev.parmap.policy and dev.parmap.observe; the engine hands users the front end's types
    // through PublicTypes, never by naming them.
    noClasses()
        .that()
        .resideInAPackage("dev.parmap.engine")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.parmap")
        .check(CORE);
    noClasses()
        .that()
        .resideInAnyPackage("dev.parmap.policy", "dev.parmap.observe")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.parmap", "dev.parmap.engine")
        .check(CORE);
  }

  @Test
  void theCorePackagesHaveNoCycles() {
    slices()
        .assignedFrom(
            new SliceAssignment() {
              @Override
              public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                return javaClass.getPackageName().startsWith("dev.parmap")
                    ? SliceIdentifier.of(javaClass.getPackageName())
                    : SliceIdentifier.ignore();
              }

              @Override
              public String getDescription() {
                return "core's packages";
              }
            })
        .should()
        .beFreeOfCycles()
        .check(CORE);
  }

  @Test
  void theModuleExportsOnlyThePublicPackages() {
    // The engine too, but only to parmap's own front ends (the gatherer, the cluster): a qualified
    // export.
    Module module = Pool.class.getModule();
    // Tests run on the class path: then read the compiled descriptor.
    java.lang.module.ModuleDescriptor descriptor =
        module.isNamed()
            ? module.getDescriptor()
            : java.lang.module.ModuleFinder.of(java.nio.file.Path.of("target/classes"))
                .find("dev.parmap")
                .orElseThrow()
                .descriptor();
    assertThat(descriptor.exports())
        .filteredOn(e -> !e.isQualified())
        .extracting(e -> e.source())
        .containsExactlyInAnyOrder("dev.parmap", "dev.parmap.policy", "dev.parmap.observe");
    assertThat(descriptor.exports())
        .filteredOn(e -> e.isQualified())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.source()).isEqualTo("dev.parmap.engine");
              assertThat(e.targets())
                  .containsExactlyInAnyOrder("dev.parmap.gatherers", "dev.parmap.hazelcast");
            });
    assertThat(descriptor.opens()).isEmpty();
    assertThat(descriptor.requires())
        .allSatisfy(
            r ->
                assertThat(
                        r.name().equals("java.base")
                            || r.name().equals("jdk.jfr") // parmap's JFR events, in every JDK
                            || r.modifiers()
                                .contains(
                                    java.lang.module.ModuleDescriptor.Requires.Modifier.STATIC))
                    .as("module %s is required at run time", r.name())
                    .isTrue());
  }

  private static java.util.List<String> publicMethods(Class<?> type) {
    return Arrays.stream(type.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()))
        .filter(m -> !m.isBridge()) // Pool.with's bridge for ParallelPool.with is not API
        .map(Method::getName)
        .sorted()
        .toList();
  }
}
