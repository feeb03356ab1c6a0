package dev.rtmpserver.hls;

import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.stream.Sink;

import java.util.List;
import java.util.function.Consumer;

/**
 * A stream's LL-HLS rendition, attached to the live stream as a sink from its first publish, so a
 * player's first request finds segments ready. Packaging runs on the publisher's thread: it
 * neither blocks nor waits for anyone (readers only take the playlist's lock for a moment), and
 * costs one copy of the media.
 */
final class HlsStream implements Sink {
    private final LivePlaylist playlist;
    private final Segmenter segmenter;
    private final Consumer<HlsStream> detach;
    private volatile boolean ended;

    /**
     * @param detach takes this sink off the stream, from another thread, once the stream ended: the
     *               playlist outlives it for the players still reading, but it must not keep an
     *               ended stream in the registry
     */
    HlsStream(LivePlaylist playlist, Segmenter segmenter, Consumer<HlsStream> detach) {
        this.playlist = playlist;
        this.segmenter = segmenter;
        this.detach = detach;
    }

    LivePlaylist playlist() {
        return playlist;
    }

    boolean ended() {
        return ended;
    }

    @Override
    public Kind kind() {
        return Kind.PACKAGER;
    }

    @Override
    public void join(List<MediaFrame> cached, boolean published) {
        cached.forEach(segmenter::onFrame);
    }

    @Override
    public void offer(MediaFrame frame) {
        segmenter.onFrame(frame);
    }

    @Override
    public void onUnpublish() {
        segmenter.finish();
        playlist.end();
        ended = true;
        detach.accept(this);
    }
}
