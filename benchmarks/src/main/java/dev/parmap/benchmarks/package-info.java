/**
 * JMH benchmarks of parmap's default call against its peers, and the report that turns their
 * results into {@code benchmarks/RESULTS.md}.
 */
@NullMarked
package dev.parmap.benchmarks;

import org.jspecify.annotations.NullMarked;
