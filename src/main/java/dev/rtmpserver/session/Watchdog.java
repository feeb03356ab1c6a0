package dev.rtmpserver.session;

import java.time.Duration;

/**
 * Decides, from a connection's timestamps alone, whether it has timed out or should be pinged.
 * Pure: no clock, socket or thread of its own, so every rule is tested with made-up times. All
 * times are {@link System#nanoTime()} values.
 */
final class Watchdog {
    private Watchdog() {
    }

    /**
     * What the watchdog knows of one connection at one moment.
     *
     * @param acceptedAt   when the socket was accepted
     * @param connected    a {@code connect} command has succeeded
     * @param handshakeDone the RTMP handshake completed
     * @param idleSince    when the connection last had nothing to publish or play; 0 while it has
     * @param lastMedia    when the publisher last sent media; 0 if it publishes nothing
     * @param stalledNanos how long the socket has refused bytes waiting for it; 0 if it is not stuck
     * @param lastActivity when the peer last sent anything
     * @param lastPing     when the watchdog last pinged the peer
     */
    record State(long acceptedAt, boolean handshakeDone, boolean connected, long idleSince, long lastMedia,
                 long stalledNanos, long lastActivity, long lastPing) {
    }

    /**
     * @param close why to close the connection now, or null
     * @param ping  send the peer a ping request, to tell a live peer from a vanished one
     */
    record Verdict(String close, boolean ping) {
        static final Verdict FINE = new Verdict(null, false);
        static final Verdict PING = new Verdict(null, true);

        static Verdict close(String why) {
            return new Verdict(why, false);
        }
    }

    static Verdict check(State s, long now, SessionConfig c) {
        if (!s.connected()) {
            // Everything up to a successful connect must fit the handshake timeout: a peer that
            // completes the handshake and then says nothing is not worth a minute of idle timeout.
            if (now - s.acceptedAt() > c.handshakeTimeout().toNanos()) {
                return Verdict.close((s.handshakeDone() ? "no connect within " : "handshake not completed within ")
                        + seconds(c.handshakeTimeout()));
            }
            return Verdict.FINE;
        }
        long idleLimit = c.idleTimeout().toNanos();
        if (s.idleSince() != 0 && now - s.idleSince() > idleLimit) {
            return Verdict.close("neither published nor played for " + seconds(c.idleTimeout()));
        }
        if (s.lastMedia() != 0 && now - s.lastMedia() > c.mediaTimeout().toNanos()) {
            return Verdict.close("publisher sent no media for " + seconds(c.mediaTimeout()));
        }
        if (s.stalledNanos() > c.writeTimeout().toNanos()) {
            return Verdict.close("socket accepted no bytes for " + seconds(c.writeTimeout()));
        }
        // A player of a quiet stream sends nothing; a ping tells a live peer from a vanished one.
        long silent = now - s.lastActivity();
        if (silent > idleLimit) {
            return Verdict.close("sent nothing, not even a ping response, for " + seconds(c.idleTimeout()));
        }
        if (silent > idleLimit / 2 && s.lastPing() - s.lastActivity() < 0) {
            return Verdict.PING;
        }
        return Verdict.FINE;
    }

    /** Whether a player that has waited for a publisher since {@code waitingSince} (0: not waiting) has waited enough. */
    static boolean waitedTooLong(long waitingSince, long now, Duration playWait) {
        return waitingSince != 0 && !playWait.isZero() && now - waitingSince > playWait.toNanos();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
