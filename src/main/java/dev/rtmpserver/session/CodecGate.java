package dev.rtmpserver.session;

import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.stream.Sink;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Stands between a live stream and a player whose {@code connect} did not take every codec (see
 * {@link ClientCodecs}): frames it cannot parse never reach it. Extra multitrack tracks are left
 * out for a legacy client; a codec the client cannot take ends the play, before any of its bytes
 * are queued, through {@code refused}.
 *
 * <p>Runs on the publisher's thread under the stream's lock, like every sink, so {@code refused}
 * must only queue messages and hand the ending of the play to another thread.
 */
final class CodecGate implements Sink {
    private final Sink player;
    private final ClientCodecs codecs;
    private final Consumer<MediaFrame> refused;
    /** Touched only under the stream's lock. */
    private boolean closed;

    /** @param refused called once, with the first frame the client cannot take */
    CodecGate(Sink player, ClientCodecs codecs, Consumer<MediaFrame> refused) {
        this.player = player;
        this.codecs = codecs;
        this.refused = refused;
    }

    /** What the player is told when its play fails this way, and how to fix it. */
    static String refusal(ClientCodecs codecs, MediaFrame frame) {
        String codec = ClientCodecs.codecName(frame);
        String fourCc = ClientCodecs.fourCcName(frame);
        String hint = codecs.enhanced() ? "its connect did not list " + (fourCc == null ? codec : fourCc)
                : "its connect did not announce Enhanced RTMP (fourCcList)"
                        + (fourCc == null ? "" : "; FFmpeg 6.1 and later: -rtmp_enhanced_codecs " + fourCc);
        return "codec not supported by this client: " + codec + " (" + hint + ")";
    }

    @Override
    public Kind kind() {
        return player.kind();
    }

    @Override
    public long bytesSent() {
        return player.bytesSent();
    }

    @Override
    public void join(List<MediaFrame> cached, boolean published) {
        List<MediaFrame> fitting = new ArrayList<>(cached.size());
        MediaFrame unfit = null;
        for (MediaFrame frame : cached) {
            switch (codecs.fit(frame)) {
                case SEND -> fitting.add(frame);
                case SKIP -> { }
                case REFUSE -> unfit = unfit == null ? frame : unfit;
            }
        }
        if (unfit != null) {
            player.join(List.of(), published);
            refuse(unfit);
            return;
        }
        player.join(fitting, published);
    }

    @Override
    public void offer(MediaFrame frame) {
        if (closed) {
            return;
        }
        switch (codecs.fit(frame)) {
            case SEND -> player.offer(frame);
            case SKIP -> { }
            case REFUSE -> refuse(frame);
        }
    }

    @Override
    public void onPublish() {
        if (!closed) {
            player.onPublish();
        }
    }

    @Override
    public void onUnpublish() {
        if (!closed) {
            player.onUnpublish();
        }
    }

    @Override
    public void notFound(String why) {
        if (!closed) {
            player.notFound(why);
        }
    }

    private void refuse(MediaFrame frame) {
        closed = true;
        refused.accept(frame);
    }
}
