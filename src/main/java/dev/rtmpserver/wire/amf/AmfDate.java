package dev.rtmpserver.wire.amf;

/**
 * An AMF date.
 *
 * @param epochMillis milliseconds since 1970-01-01T00:00Z; a double on the wire, so it may be
 *     fractional, infinite or NaN when a peer sends such a value
 * @param timeZone the AMF0 time-zone field, which the specification reserves and asks senders to
 *     set to 0; kept so a decoded date re-encodes to the same bytes. Always 0 for AMF3 dates,
 *     which have no such field.
 */
public record AmfDate(double epochMillis, short timeZone) {}
