package dev.rtmpserver.session;

import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.wire.amf.AmfEcmaArray;
import dev.rtmpserver.wire.media.AudioCodec;
import dev.rtmpserver.wire.media.AudioTag;
import dev.rtmpserver.wire.media.TrackIds;
import dev.rtmpserver.wire.media.VideoCodec;
import dev.rtmpserver.wire.media.VideoTag;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a client announced in its {@code connect} about Enhanced RTMP (spec v2, "Enhancing
 * NetConnection connect Command"): the codecs it takes ({@code fourCcList} and the
 * {@code videoFourCcInfoMap} / {@code audioFourCcInfoMap} keys), and {@code capsEx}. A client that
 * announced none of them is legacy: it is never sent a tag it cannot parse.
 *
 * @param enhanced  the client announced Enhanced RTMP support in any of the four ways
 * @param anyCodec  it takes any codec (the wildcard FourCC {@code "*"})
 * @param fourCcs   the FourCCs it takes, as the big-endian ints of the tag headers
 * @param capsEx    the CapsExMask bits it announced
 */
record ClientCodecs(boolean enhanced, boolean anyCodec, Set<Integer> fourCcs, int capsEx) {
    static final ClientCodecs LEGACY = new ClientCodecs(false, false, Set.of(), 0);

    /** CapsExMask.Reconnect: the client handles NetConnection.Connect.ReconnectRequest. */
    static final int CAPS_RECONNECT = 0x01;
    static final int CAPS_MULTITRACK = 0x02;
    static final int CAPS_MOD_EX = 0x04;

    private static final String WILDCARD = "*";
    private static final int FOURCC_LENGTH = 4;
    private static final int BYTE_MASK = 0xFF;
    private static final int VIDEO_EX_HEADER_FLAG = 0x80;
    private static final int SOUND_FORMAT_SHIFT = 4;
    private static final int SOUND_FORMAT_EX_HEADER = 9;

    /** How a frame fits this client. */
    enum Fit {
        /** Send it. */
        SEND,
        /** Leave it out: an extra multitrack track a legacy client would misread; its main track still plays. */
        SKIP,
        /** The client cannot take this codec: the play must fail rather than send it. */
        REFUSE
    }

    ClientCodecs {
        fourCcs = Set.copyOf(fourCcs);
    }

    /** Reads the announcement from a connect command object; malformed entries are ignored, as the spec asks. */
    static ClientCodecs fromConnect(Map<?, ?> props) {
        boolean enhanced = false;
        boolean any = false;
        Set<Integer> fourCcs = new HashSet<>();
        List<String> names = new ArrayList<>();
        if (props.get("fourCcList") instanceof List<?> list) {
            enhanced = true;
            for (Object o : list) {
                if (o instanceof String s) {
                    names.add(s);
                }
            }
        }
        for (String map : new String[] {"videoFourCcInfoMap", "audioFourCcInfoMap"}) {
            Map<?, ?> m = props.get(map) instanceof AmfEcmaArray a ? a.entries()
                    : props.get(map) instanceof Map<?, ?> plain ? plain : null;
            if (m == null) {
                continue;
            }
            enhanced = true;
            m.forEach((k, v) -> {
                // Any flag (decode, encode, forward) means the client can be handed the codec.
                if (k instanceof String s && v instanceof Double flags && flags.intValue() != 0) {
                    names.add(s);
                }
            });
        }
        int capsEx = 0;
        if (props.get("capsEx") instanceof Double d) {
            enhanced = true;
            capsEx = d.intValue();
        }
        for (String name : names) {
            if (WILDCARD.equals(name)) {
                any = true;
            } else if (name.length() == FOURCC_LENGTH) {
                fourCcs.add(fourCc(name));
            }
        }
        return new ClientCodecs(enhanced, any, fourCcs, capsEx);
    }

    boolean canReconnect() {
        return (capsEx & CAPS_RECONNECT) != 0;
    }

    /** True when every frame fits, so no per-frame check is needed. */
    boolean takesEverything() {
        return enhanced && anyCodec;
    }

    /**
     * How one frame fits. Legacy tags always do. An enhanced tag needs an enhanced client: a
     * legacy one skips extra multitrack tracks and is refused single-track ones. An enhanced
     * client that named its codecs is checked at each sequence header (coded frames follow their
     * track's header, so checking those suffices).
     */
    Fit fit(MediaFrame frame) {
        byte[] p = frame.payload();
        if (p.length == 0) {
            return Fit.SEND;
        }
        boolean video = frame.kind() == MediaFrame.Kind.VIDEO;
        boolean audio = frame.kind() == MediaFrame.Kind.AUDIO;
        boolean exHeader = (video && (p[0] & VIDEO_EX_HEADER_FLAG) != 0)
                || (audio && (p[0] & BYTE_MASK) >>> SOUND_FORMAT_SHIFT == SOUND_FORMAT_EX_HEADER);
        if (!exHeader) {
            return Fit.SEND;
        }
        if (!enhanced) {
            boolean multitrack = video ? TrackIds.isVideoMultitrack(p) : TrackIds.isAudioMultitrack(p);
            return multitrack ? Fit.SKIP : Fit.REFUSE;
        }
        if (anyCodec || !frame.config()) {
            return Fit.SEND;
        }
        return fourCcs.contains(fourCcOf(frame)) ? Fit.SEND : Fit.REFUSE;
    }

    /** The codec's display name, for the refusal. */
    static String codecName(MediaFrame frame) {
        return frame.kind() == MediaFrame.Kind.VIDEO ? VideoTag.parse(frame.payload()).codec().displayName()
                : AudioTag.parse(frame.payload()).codec().displayName();
    }

    /** The codec's FourCC as a client would announce it, for the refusal; null for codecs without one. */
    static String fourCcName(MediaFrame frame) {
        int code = fourCcOf(frame);
        if (code == VideoCodec.NO_FOURCC) {
            return null;
        }
        char[] c = new char[FOURCC_LENGTH];
        for (int i = 0; i < FOURCC_LENGTH; i++) {
            c[i] = (char) ((code >>> (Byte.SIZE * (FOURCC_LENGTH - 1 - i))) & BYTE_MASK);
        }
        return new String(c);
    }

    private static int fourCcOf(MediaFrame frame) {
        return frame.kind() == MediaFrame.Kind.VIDEO ? VideoTag.parse(frame.payload()).codec().fourCc()
                : frame.kind() == MediaFrame.Kind.AUDIO ? AudioTag.parse(frame.payload()).codec().fourCc()
                : AudioCodec.NO_FOURCC;
    }

    private static int fourCc(String name) {
        int value = 0;
        for (int i = 0; i < FOURCC_LENGTH; i++) {
            value = (value << Byte.SIZE) | (name.charAt(i) & BYTE_MASK);
        }
        return value;
    }
}
