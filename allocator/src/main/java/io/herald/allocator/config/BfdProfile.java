package io.herald.allocator.config;

import java.util.OptionalInt;

/** A {@code BFDProfile}; intervals in milliseconds, empty meaning the BFD implementation's default. */
public record BfdProfile(
    String name,
    OptionalInt receiveInterval,
    OptionalInt transmitInterval,
    OptionalInt detectMultiplier,
    OptionalInt echoInterval,
    boolean echoMode,
    boolean passiveMode,
    OptionalInt minimumTtl) {}
