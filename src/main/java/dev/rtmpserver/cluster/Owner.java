package dev.rtmpserver.cluster;

import java.util.Optional;
import java.util.UUID;

/**
 * Who holds a stream in the cluster map: the node's advertised RTMP URL, where other nodes pull the
 * stream from, and an id of the running process. Written as the key's value, {@code URL SPACE ID};
 * an advertised URL has no space, so the split is unambiguous.
 *
 * <p>The id tells a restarted node's keys from its own: same URL, another id is this node's previous
 * life, whose publishers are gone with it, so its keys are taken over instead of refusing the
 * publishers that reconnect for up to a TTL.
 *
 * @param advertiseUrl {@code rtmp://host:port}, no application
 * @param nodeId       unique to this process
 */
public record Owner(String advertiseUrl, String nodeId) {
    public Owner {
        if (advertiseUrl.isEmpty() || advertiseUrl.contains(" ") || nodeId.isEmpty() || nodeId.contains(" ")) {
            throw new IllegalArgumentException("an owner's URL and id have no spaces: " + advertiseUrl + " " + nodeId);
        }
    }

    /** This process, advertised as {@code advertiseUrl}. */
    public static Owner of(String advertiseUrl) {
        return new Owner(advertiseUrl, UUID.randomUUID().toString());
    }

    /** Parses a key's value; empty if some other program wrote it. */
    public static Optional<Owner> parse(String value) {
        int space = value.indexOf(' ');
        if (space <= 0 || space == value.length() - 1 || value.indexOf(' ', space + 1) >= 0) {
            return Optional.empty();
        }
        return Optional.of(new Owner(value.substring(0, space), value.substring(space + 1)));
    }

    public String value() {
        return advertiseUrl + " " + nodeId;
    }

    /** What every life of this node's values starts with. */
    String nodePrefix() {
        return advertiseUrl + " ";
    }
}
