/**
 * parmap's engine: how one call runs, in named parts. Not an API: the module exports this package
 * only to parmap's own modules, and nothing here may change with a minor release.
 *
 * <p>The engine depends on the JDK and on the public {@code dev.parmap.observe} and {@code
 * dev.parmap.policy} packages, never on {@code dev.parmap}: the public types it hands to users
 * (exceptions, outcomes) are made by the front end, through {@link PublicTypes}, and the options
 * and the task reach it as {@link CallOptions} and {@link Work}. See {@code docs/architecture.md}
 * for one call's path through the parts.
 */
@NullMarked
package dev.parmap.engine;

import org.jspecify.annotations.NullMarked;
