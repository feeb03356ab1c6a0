package dev.rtmpserver.cli;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The per-application keys of the {@code --config} file, {@code app.NAME.KEY = VALUE}, which have no
 * flag. {@link ConfigFile} reads them, {@link ConfigBuilder} applies them and {@link ConfigReference} documents
 * them from here, so the three agree.
 */
enum AppKey {
    GOP_CACHE("gop-cache", "on|off", null, "Overrides --gop-cache for this application."),
    PLAYER_WRITE_DELAY("player-write-delay", "DURATION", null,
            "Overrides --player-write-delay for this application's new players."),
    RECORD("record", "all|none|NAMES", "all",
            "Which of this application's streams are recorded under --record-dir: all, none, or a comma-separated"
                    + " list of stream names."),
    PUBLISH_TOKEN("publish-token", "TOKENS", null,
            "Publishers must give one of these comma-separated tokens as ?token=... on the stream name or the"
                    + " connect URL."),
    PLAY_TOKEN("play-token", "TOKENS", null, "Players must give one of these tokens, as for publish-token."),
    PUSH("push", "URLS", null,
            "Every stream of this application is also published to these comma-separated rtmp:// or rtmps:// URLs;"
                    + " {name} in a URL is the stream name, and a URL with no stream name gets /NAME appended."),
    PUSH_INSECURE("push-insecure", "on|off", "off",
            "Accepts any certificate from this application's rtmps:// push targets: for a target with a"
                    + " self-signed certificate on a network you trust."),
    PULL("pull", "URLS", null,
            "Makes this server an edge: a play of a stream nobody publishes here pulls it from the first of these"
                    + " comma-separated rtmp:// or rtmps:// application URLs (rtmp://origin-a/live) that has it,"
                    + " one upstream connection for all its players, failing over to the others."),
    PULL_INSECURE("pull-insecure", "on|off", "off",
            "Accepts any certificate from this application's rtmps:// origins: for an origin with a self-signed"
                    + " certificate on a network you trust.");

    final String key;
    final String valueLabel;
    /** What an absent key amounts to, or null when that is nothing of its own (no tokens, the global flag). */
    final String defaultValue;
    final String description;

    AppKey(String key, String valueLabel, String defaultValue, String description) {
        this.key = key;
        this.valueLabel = valueLabel;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** How the key is written in the config file, for example {@code app.NAME.record}. */
    String property() {
        return "app.NAME." + key;
    }

    static Optional<AppKey> of(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    static String allProperties() {
        return Arrays.stream(values()).map(AppKey::property).collect(Collectors.joining(", "));
    }
}
