package org.example.outside;

import java.io.Serializable;

/**
 * A serializable class in a package that the test clusters do not allow: deserializing it must be
 * refused.
 */
public record Payload(int value) implements Serializable {}
