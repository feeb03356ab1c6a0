package dev.rtmpserver.edge;

import dev.rtmpserver.stream.StreamKey;

import java.util.List;

/**
 * Where a stream that is not published here can be pulled from: RTMP application URLs such as
 * {@code rtmp://origin-a:1935/live}, best first. May block (a lookup in a shared store); called on
 * a virtual thread, never on a publisher's.
 */
@FunctionalInterface
public interface Origins {
    List<String> originsFor(StreamKey key);
}
