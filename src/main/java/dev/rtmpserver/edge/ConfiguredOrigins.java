package dev.rtmpserver.edge;

import dev.rtmpserver.stream.StreamKey;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The origins of the configuration's {@code app.NAME.pull} lines, read anew at each pull. */
public final class ConfiguredOrigins implements Origins {
    private final Supplier<Map<String, List<String>>> byApp;

    /** @param byApp each application's origin URLs, best first */
    public ConfiguredOrigins(Supplier<Map<String, List<String>>> byApp) {
        this.byApp = byApp;
    }

    @Override
    public List<String> originsFor(StreamKey key) {
        return byApp.get().getOrDefault(key.app(), List.of());
    }

    /**
     * The origins each of {@code all} names, in that order, each URL once: the configuration's own
     * lines first, say, then what a cluster map finds.
     */
    public static Origins inOrder(List<Origins> all) {
        List<Origins> copy = List.copyOf(all);
        return key -> copy.stream().flatMap(o -> o.originsFor(key).stream()).distinct().toList();
    }
}
