package dev.parmap.engine;

/**
 * What a call needs of its pool, as one immutable value: the engine never calls back into {@link
 * Pool}. A pool and its {@code with} views share every part but the description.
 *
 * @param description what the pool is, without its options (e.g. {@code Pool.virtual(8)}), for
 *     messages and a call's listener
 * @param launcher how the pool puts work on threads
 * @param threadPrefix the start of the names of the threads the pool makes
 * @param window items read and not yet handed over, at most, per call
 * @param timer the scheduler of the pool's timeout alarms
 * @param work the pool's calls and submissions: a call deregisters there when it ends
 * @param ticker the clock, sleeper and jitter source of the item policies
 * @param types the public types of the front end: its exceptions and outcomes
 */
public record PoolContext(
    String description,
    Launcher launcher,
    String threadPrefix,
    int window,
    PoolTimer timer,
    PoolWork work,
    Ticker ticker,
    PublicTypes types) {}
