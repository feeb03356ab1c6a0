package dev.rtmpserver.stream;

/** Frames for tests, built directly so each test says exactly what it sends. */
final class Frames {
    private Frames() {
    }

    static MediaFrame key(int ts, int size) {
        return new MediaFrame(MediaFrame.Kind.VIDEO, ts, new byte[size], true, false);
    }

    static MediaFrame inter(int ts, int size) {
        return new MediaFrame(MediaFrame.Kind.VIDEO, ts, new byte[size], false, false);
    }

    static MediaFrame audio(int ts, int size) {
        return new MediaFrame(MediaFrame.Kind.AUDIO, ts, new byte[size], false, false);
    }

    static MediaFrame videoConfig(int ts, byte marker) {
        return new MediaFrame(MediaFrame.Kind.VIDEO, ts, new byte[] {0x17, 0, marker}, false, true);
    }

    static MediaFrame audioConfig(int ts, byte marker) {
        return new MediaFrame(MediaFrame.Kind.AUDIO, ts, new byte[] {(byte) 0xAF, 0, marker}, false, true);
    }

    /** An Enhanced RTMP one-track video sequence start for {@code track}, as FFmpeg 8 sends a second track. */
    static MediaFrame videoTrackConfig(int ts, int track, byte marker) {
        return new MediaFrame(MediaFrame.Kind.VIDEO, ts,
                new byte[] {(byte) 0x96, 0x00, 'a', 'v', 'c', '1', (byte) track, marker}, false, true);
    }

    /** An Enhanced RTMP one-track audio sequence start for {@code track}. */
    static MediaFrame audioTrackConfig(int ts, int track, byte marker) {
        return new MediaFrame(MediaFrame.Kind.AUDIO, ts,
                new byte[] {(byte) 0x95, 0x00, 'm', 'p', '4', 'a', (byte) track, marker}, false, true);
    }

    static MediaFrame metadata(int ts, byte marker) {
        return new MediaFrame(MediaFrame.Kind.DATA, ts, new byte[] {2, 0, 1, marker}, false, true);
    }

    static MediaFrame data(int ts) {
        return new MediaFrame(MediaFrame.Kind.DATA, ts, new byte[] {2, 0, 0}, false, false);
    }
}
