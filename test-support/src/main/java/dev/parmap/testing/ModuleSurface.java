package dev.parmap.testing;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads the public face of a parmap module from its compiled classes, for the modules' {@code
 * ApiSurfaceTest}s: which types of a package are public, which methods a type declares publicly,
 * and the module's descriptor. The tests assert on what these return; the reading is written once.
 */
public final class ModuleSurface {
  private ModuleSurface() {}

  /**
   * The names of the public top-level and nested types of {@code anchor}'s package, read from the
   * class files beside it (the package's {@code package-info} left out).
   *
   * @param anchor a class of the package
   * @return the fully qualified names, sorted
   * @throws IOException if the class files cannot be listed
   */
  public static Set<String> publicTypesOf(Class<?> anchor) throws IOException {
    String pkg = anchor.getPackageName();
    Path dir = classesOf(anchor).resolve(pkg.replace('.', '/'));
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".class") || name.equals("package-info.class")) {
          continue;
        }
        String binary = pkg + "." + name.substring(0, name.length() - ".class".length());
        Class<?> type = load(binary, anchor);
        if (Modifier.isPublic(type.getModifiers()) && !type.isAnonymousClass()) {
          names.add(type.getName());
        }
      }
    }
    return names;
  }

  /**
   * The names of the public methods {@code type} declares (not inherited ones), sorted, an
   * overloaded name as often as it is declared.
   *
   * @param type the type
   * @return the names
   */
  public static List<String> publicMethodsOf(Class<?> type) {
    return Arrays.stream(type.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()))
        .map(m -> m.getName())
        .sorted()
        .toList();
  }

  /**
   * The public methods {@code type} declares, as {@code name(ParameterSimpleNames)}, sorted
   * (synthetic ones left out).
   *
   * @param type the type
   * @return the signatures, e.g. {@code map(int,Task)}
   */
  public static List<String> publicSignaturesOf(Class<?> type) {
    return Arrays.stream(type.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic())
        .map(
            m ->
                m.getName()
                    + Arrays.stream(m.getParameterTypes())
                        .map(Class::getSimpleName)
                        .collect(Collectors.joining(",", "(", ")")))
        .sorted()
        .toList();
  }

  /**
   * The descriptor of the module {@code anchor} was compiled into, read from its {@code
   * module-info.class} (so that it works whether the tests run on the class path or the module
   * path).
   *
   * @param anchor a class of the module
   * @return the module's descriptor
   * @throws IOException if the descriptor cannot be read
   */
  public static ModuleDescriptor descriptorOf(Class<?> anchor) throws IOException {
    try (InputStream in = Files.newInputStream(classesOf(anchor).resolve("module-info.class"))) {
      return ModuleDescriptor.read(in);
    }
  }

  /**
   * The modules {@code module} requires, each with its modifiers.
   *
   * @param module a descriptor
   * @return module name to modifiers, sorted by name
   */
  public static Map<String, Set<ModuleDescriptor.Requires.Modifier>> requiresOf(
      ModuleDescriptor module) {
    return module.requires().stream()
        .collect(
            Collectors.toMap(
                ModuleDescriptor.Requires::name,
                ModuleDescriptor.Requires::modifiers,
                (a, b) -> a,
                TreeMap::new));
  }

  private static Path classesOf(Class<?> anchor) throws IOException {
    try {
      return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException("cannot locate the classes of " + anchor.getName(), e);
    }
  }

  private static Class<?> load(String name, Class<?> anchor) throws IOException {
    try {
      return Class.forName(name, false, anchor.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IOException("cannot load " + name, e);
    }
  }
}
