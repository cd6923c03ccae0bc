package io.herald.node;

/**
 * Marker for every message and event that crosses nodes or is persisted: bound to Pekko's
 * jackson-cbor serializer in application.conf.
 */
public interface CborSerializable {}
