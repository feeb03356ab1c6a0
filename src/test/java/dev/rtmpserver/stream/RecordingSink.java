package dev.rtmpserver.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A sink that records every call, in order, as short readable lines. */
class RecordingSink implements Sink {
    private final List<String> events = new ArrayList<>();
    private final List<MediaFrame> offered = new ArrayList<>();

    /** E.g. {@code video@40/key}, {@code audio@0/config}. */
    static String label(MediaFrame f) {
        return f.kind().name().toLowerCase(Locale.ROOT) + "@" + f.timestamp() + (f.keyframe() ? "/key" : "")
                + (f.config() ? "/config" : "");
    }

    static List<String> labels(List<MediaFrame> frames) {
        return frames.stream().map(RecordingSink::label).toList();
    }

    @Override
    public Kind kind() {
        return Kind.PLAYER;
    }

    @Override
    public synchronized void join(List<MediaFrame> cached, boolean published) {
        events.add("join(" + (published ? "published" : "waiting") + ") "
                + cached.stream().map(RecordingSink::label).collect(Collectors.joining(", ", "[", "]")));
    }

    @Override
    public synchronized void offer(MediaFrame frame) {
        offered.add(frame);
        events.add("offer " + label(frame));
    }

    @Override
    public synchronized void onPublish() {
        events.add("publish");
    }

    @Override
    public synchronized void onUnpublish() {
        events.add("unpublish");
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    /** The events since the last call. */
    synchronized List<String> take() {
        List<String> e = List.copyOf(events);
        events.clear();
        return e;
    }

    synchronized List<MediaFrame> offered() {
        return List.copyOf(offered);
    }

    synchronized List<Integer> offeredTimestamps() {
        return offered.stream().map(MediaFrame::timestamp).toList();
    }
}
