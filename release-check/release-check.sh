#!/usr/bin/env bash
# ./build release-check: what a release would publish, built and checked without signing.
#
#  1. Builds every published module (the modules whose pom does not set maven.deploy.skip) with
#     -Prelease -Dgpg.skip, tests skipped, and installs it into a local repository of its own,
#     release-check/target/repo (the usual ~/.m2/repository serves as a read-only tail, so
#     nothing of it is downloaded again and nothing is installed there). Javadoc errors and
#     warnings fail this build (the release profile sets failOnError and failOnWarnings).
#  2. Checks, per module, that the main, sources and javadoc jars and a flattened pom (no
#     <parent>) were installed, that each jar has a JPMS name, and that parmap-bom manages every
#     published module; prints what it found.
#  3. Builds the same modules a second time from clean and checks that every jar is byte-identical
#     to the first build's (reproducible builds: project.build.outputTimestamp).
#  4. Builds a throw-away consumer project (release-check/consumer/pom.xml with the README's Maven
#     snippet put in) against the installed artifacts and runs the README's Quick start in it.
#
# Needs JAVA_HOME (a JDK 25, as ./build exports) and runs from the repository root. Exits non-zero
# at the first failed check.
set -euo pipefail

ROOT=$(pwd)
# Not under target/: `clean` of the root project would delete it mid-check.
OUT=$ROOT/release-check/target
REPO=$OUT/repo
TAIL=${MAVEN_REPO_TAIL:-$HOME/.m2/repository}
mkdir -p "$TAIL"

fail() {
  echo "release-check: FAILED: $*" >&2
  exit 1
}

# The published modules: the reactor's modules, less those that set maven.deploy.skip.
published=()
for m in $(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' pom.xml); do
  if ! grep -q '<maven.deploy.skip>true</maven.deploy.skip>' "$m/pom.xml"; then
    published+=("$m")
  fi
done
modules=$(IFS=,; echo "${published[*]}")
version=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml)
echo "release-check: version $version; published modules: ${published[*]}"

build() {
  local log=$1
  sh ./mvnw -B -Prelease -Dgpg.skip=true -Dmaven.test.skip=true -Djacoco.skip=true \
    -Dspotless.check.skip=true "-Dmaven.repo.local=$REPO" "-Dmaven.repo.local.tail=$TAIL" \
    -pl "$modules" -am clean install >"$log" 2>&1 || {
    tail -n 60 "$log" >&2
    fail "the release build failed (log: $log)"
  }
}

rm -rf "$OUT"
mkdir -p "$OUT/first" "$OUT/second"

echo "release-check: release build 1 of 2 (log: release-check/target/build-1.log)"
build "$OUT/build-1.log"

# Returns the artifactId of module directory $1.
artifact_of() {
  sed -n '/<parent>/,/<\/parent>/d; s:.*<artifactId>\(.*\)</artifactId>.*:\1:p' "$1/pom.xml" | head -n 1
}

printf '\n%-20s %-8s %-8s %-8s %-10s %s\n' module main sources javadoc pom JPMS
for m in "${published[@]}"; do
  a=$(artifact_of "$m")
  dir=$REPO/dev/parmap/$a/$version
  pom=$dir/$a-$version.pom
  [ -f "$pom" ] || fail "$a: no pom installed in $dir"
  grep -q '<parent>' "$pom" && fail "$a: the installed pom is not flattened (it has a <parent>)"
  grep -q '<licenses>' "$pom" || fail "$a: the installed pom has no <licenses>"
  if grep -q '<packaging>pom</packaging>' "$m/pom.xml"; then
    # The BOM: a pom only, managing every published jar module.
    for other in "${published[@]}"; do
      grep -q '<packaging>pom</packaging>' "$other/pom.xml" && continue
      oa=$(artifact_of "$other")
      grep -q "<artifactId>$oa</artifactId>" "$pom" || fail "$a does not manage $oa"
    done
    printf '%-20s %-8s %-8s %-8s %-10s %s\n' "$a" - - - flattened "(BOM: manages every published module)"
    continue
  fi
  found=()
  for kind in "" -sources -javadoc; do
    jar=$dir/$a-$version$kind.jar
    [ -s "$jar" ] || fail "$a: $a-$version$kind.jar is missing"
    found+=("$(($(stat -c %s "$jar") / 1024))kB")
    cp "$jar" "$OUT/first/"
  done
  jar=$dir/$a-$version.jar
  # A JPMS name of its own: module-info.class, or else Automatic-Module-Name (a name derived
  # from the file name does not count).
  if unzip -l "$jar" module-info.class >/dev/null 2>&1; then
    name="$("$JAVA_HOME/bin/jar" --describe-module --file "$jar" | head -n 1 | sed 's/[@ ].*//') (module-info)"
  else
    name=$(unzip -p "$jar" META-INF/MANIFEST.MF | tr -d '\r' | sed -n 's/^Automatic-Module-Name: *//p')
    [ -n "$name" ] || fail "$a: its jar has no JPMS name (neither module-info nor Automatic-Module-Name)"
    name="$name (Automatic-Module-Name)"
  fi
  release=$(unzip -p "$jar" "$(unzip -Z1 "$jar" | grep '\.class$' | grep -v 'module-info\|package-info' | head -n 1)" |
    od -An -j6 -N2 -tu1 | awk '{print $1 * 256 + $2 - 44}')
  name="$name, Java $release"
  printf '%-20s %-8s %-8s %-8s %-10s %s\n' "$a" "${found[0]}" "${found[1]}" "${found[2]}" flattened "$name"
done

echo
echo "release-check: release build 2 of 2, from clean (log: release-check/target/build-2.log)"
build "$OUT/build-2.log"
differ=0
count=0
for first in "$OUT"/first/*.jar; do
  f=$(basename "$first")
  a=${f%-"$version"*}
  second=$REPO/dev/parmap/$a/$version/$f
  count=$((count + 1))
  if ! cmp -s "$first" "$second"; then
    echo "  differs: $f" >&2
    differ=$((differ + 1))
  fi
done
[ "$differ" -eq 0 ] || fail "$differ of $count jars differ between two clean builds"
echo "release-check: reproducible: the $count jars of two clean builds are byte-identical"

echo
echo "release-check: a consumer project with the README's Maven snippet runs the Quick start"
consumer=$OUT/consumer
mkdir -p "$consumer/src/main/java/dev/parmap/examples"
# The README's first ```xml block (the BOM import and the dependencies), as it is.
snippet=$(awk '/^```xml$/ && !done {inside = 1; next} inside && /^```$/ {done = 1; inside = 0} inside' README.md)
[ -n "$snippet" ] || fail "README.md has no \`\`\`xml block"
echo "$snippet" | grep -q '<artifactId>parmap-bom</artifactId>' || fail "the README's snippet does not import parmap-bom"
awk -v snippet="$snippet" '/<!-- README snippet -->/ {print snippet; next} {print}' \
  release-check/consumer/pom.xml >"$consumer/pom.xml"
cp examples/src/main/java/dev/parmap/examples/QuickStart.java "$consumer/src/main/java/dev/parmap/examples/"
(cd "$consumer" && sh "$ROOT/mvnw" -B -q "-Dmaven.repo.local=$REPO" "-Dmaven.repo.local.tail=$TAIL" \
  package dependency:build-classpath -Dmdep.outputFile=classpath.txt >"$OUT/consumer.log" 2>&1) || {
  tail -n 40 "$OUT/consumer.log" >&2
  fail "the consumer project did not build (log: release-check/target/consumer.log)"
}
cp=$(cat "$consumer/classpath.txt")
for a in parmap-core parmap-progressbar; do
  case $cp in
    *"/$a-$version.jar"*) ;;
    *) fail "the consumer's class path has no $a-$version.jar: $cp" ;;
  esac
done
echo "  class path: $(echo "$cp" | tr ':' '\n' | xargs -n 1 basename | tr '\n' ' ')"
output=$("$JAVA_HOME/bin/java" -cp "$consumer/target/classes:$cp" dev.parmap.examples.QuickStart)
echo "$output" | sed 's/^/  /'
expected=$(awk '/^It prints/ {found = 1} found && /^```$/ {n++; next} found && n == 1' README.md)
[ "$output" = "$expected" ] || fail "the Quick start printed something else than the README says: $expected"
echo
echo "release-check: OK"
