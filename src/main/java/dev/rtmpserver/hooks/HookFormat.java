package dev.rtmpserver.hooks;

import java.util.Locale;

/** How a hook's fields are written in the body of its POST. */
public enum HookFormat {
    /** {@code call=unpublish&app=live&...}, as nginx-rtmp's notifications. */
    FORM("application/x-www-form-urlencoded"),
    /** One JSON object, numbers as numbers, as SRS's HTTP callbacks. */
    JSON("application/json");

    private final String contentType;

    HookFormat(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    /** {@code form} or {@code json}, in any case. */
    public static HookFormat parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "form" -> FORM;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("'" + text + "' is neither form nor json");
        };
    }

    /** As operators write it, so that {@code --help} shows the default that way. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
