package dev.rtmpserver.stream;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All live streams by key. Every change that can create or remove a stream runs inside
 * {@link ConcurrentHashMap#compute}, so a player joining while the last participant leaves never
 * ends up attached to a stream the map has already forgotten.
 */
public final class StreamRegistry {
    private final ConcurrentHashMap<StreamKey, LiveStream> streams = new ConcurrentHashMap<>();

    /**
     * Makes {@code publisher} the owner of {@code key}.
     *
     * @throws StreamBusyException if another publisher owns it
     */
    public LiveStream publish(StreamKey key, Publisher publisher) {
        return streams.compute(key, (k, stream) -> {
            LiveStream s = stream != null ? stream : new LiveStream(k);
            Publisher owner = s.publisher();
            if (owner != null && owner != publisher) {
                throw new StreamBusyException(k, owner);
            }
            s.attachPublisher(publisher);
            return s;
        });
    }

    /** Ends {@code publisher}'s ownership of {@code stream}; a no-op if it no longer owns it. */
    public void unpublish(LiveStream stream, Publisher publisher) {
        streams.computeIfPresent(stream.key(), (k, s) -> {
            if (s == stream && s.publisher() == publisher) {
                s.detachPublisher();
            }
            return s.isIdle() ? null : s;
        });
    }

    /** Attaches a sink, creating the stream if nobody publishes it yet: it starts when they do. */
    public LiveStream subscribe(StreamKey key, Sink sink) {
        return streams.compute(key, (k, stream) -> {
            LiveStream s = stream != null ? stream : new LiveStream(k);
            s.addSink(sink);
            return s;
        });
    }

    public void unsubscribe(LiveStream stream, Sink sink) {
        streams.computeIfPresent(stream.key(), (k, s) -> {
            if (s == stream) {
                s.removeSink(sink);
            }
            return s.isIdle() ? null : s;
        });
    }

    public LiveStream get(StreamKey key) {
        return streams.get(key);
    }

    public Collection<LiveStream> streams() {
        return List.copyOf(streams.values());
    }

    public int size() {
        return streams.size();
    }
}
