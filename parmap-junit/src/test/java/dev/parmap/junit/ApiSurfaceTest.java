package dev.parmap.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Pins the public face of parmap-junit, and that it does not depend on parmap itself. */
class ApiSurfaceTest {

  private static Path classes() throws URISyntaxException {
    return Path.of(
        NoLeakedThreadsExtension.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void thePublicTypesAreTheExtensionAndItsLeakedThread() throws Exception {
    Set<String> publicTypes = new TreeSet<>();
    try (Stream<Path> files = Files.walk(classes())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name =
            classes().relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (!name.endsWith("package-info")
            && Modifier.isPublic(
                Class.forName(name, false, getClass().getClassLoader()).getModifiers())) {
          publicTypes.add(name);
        }
      }
    }
    assertEquals(
        Set.of(
            "dev.parmap.junit.NoLeakedThreadsExtension",
            "dev.parmap.junit.NoLeakedThreadsExtension$LeakedThread"),
        publicTypes);
    assertEquals(
        List.of(
            "assertNoLeakedThreads",
            "awaitLeakedThreads",
            "findLeakedThreads",
            "forThreadsNamed",
            "withGrace"),
        Arrays.stream(NoLeakedThreadsExtension.class.getDeclaredMethods())
            .filter(m -> Modifier.isPublic(m.getModifiers()))
            .map(m -> m.getName())
            .filter(n -> !n.equals("afterEach") && !n.equals("toString"))
            .sorted()
            .toList());
  }

  @Test
  void itsClassesReferToNoOtherParmapPackage() throws IOException, URISyntaxException {
    try (Stream<Path> files = Files.walk(classes())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String constants;
        try (InputStream in = Files.newInputStream(file)) {
          constants = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        // Class names in the constant pool: dev/parmap/junit/... only.
        assertEquals(
            List.of(),
            Pattern.compile("dev/parmap/(?!junit/)[\\w/$]*")
                .matcher(constants)
                .results()
                .map(m -> m.group())
                .toList(),
            file.toString());
      }
    }
  }
}
