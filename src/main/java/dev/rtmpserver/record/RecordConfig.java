package dev.rtmpserver.record;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What gets recorded, where, and in what pieces.
 *
 * @param dir             the record directory; every file written or served lies inside it
 * @param selection       per application: which streams to record; apps not listed use {@link Selection#ALL}
 * @param segmentLength   start a new file at the first keyframe past this length; zero for never
 * @param segmentBytes    start a new file at the first keyframe past this size; zero for never
 * @param queueBytes      media a recorder may hold while the disk catches up; beyond, it drops
 */
public record RecordConfig(Path dir, Map<String, Selection> selection, Duration segmentLength, long segmentBytes,
                           long queueBytes) {
    public static final long DEFAULT_QUEUE_BYTES = 32L * 1024 * 1024;

    public RecordConfig {
        selection = Map.copyOf(selection);
        if (segmentLength.isNegative() || segmentBytes < 0 || queueBytes <= 0) {
            throw new IllegalArgumentException("invalid recording limits");
        }
    }

    public static RecordConfig all(Path dir) {
        return new RecordConfig(dir, Map.of(), Duration.ZERO, 0, DEFAULT_QUEUE_BYTES);
    }

    public boolean records(String app, String stream) {
        return selection.getOrDefault(app, Selection.ALL).includes(stream);
    }

    /** Which streams of an application are recorded. */
    public record Selection(boolean everything, Set<String> names) {
        public static final Selection ALL = new Selection(true, Set.of());
        public static final Selection NONE = new Selection(false, Set.of());

        public Selection {
            names = Set.copyOf(names);
        }

        /** {@code all}, {@code none} or a comma-separated list of stream names. */
        public static Selection parse(String text) {
            String t = text.trim();
            if (t.equalsIgnoreCase("all")) {
                return ALL;
            }
            if (t.equalsIgnoreCase("none")) {
                return NONE;
            }
            Set<String> names = new java.util.HashSet<>();
            for (String name : t.split(",", -1)) {
                if (!name.isBlank()) {
                    names.add(name.trim());
                }
            }
            if (names.isEmpty()) {
                throw new IllegalArgumentException("expected all, none or a list of stream names: '" + text + "'");
            }
            return new Selection(false, names);
        }

        boolean includes(String stream) {
            return everything || names.contains(stream);
        }
    }
}
