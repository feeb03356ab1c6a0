package dev.rtmpserver.http;

import dev.rtmpserver.browser.FlvViewer;
import dev.rtmpserver.relay.PushTarget;
import dev.rtmpserver.session.Connection;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamStats;
import dev.rtmpserver.stream.TrackConfigs;
import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.media.AacConfig;
import dev.rtmpserver.wire.media.AudioTag;
import dev.rtmpserver.wire.media.AvcDecoderConfig;
import dev.rtmpserver.wire.media.CodecSummary;
import dev.rtmpserver.wire.media.OpusHead;
import dev.rtmpserver.wire.media.SpsInfo;
import dev.rtmpserver.wire.media.VideoCodec;
import dev.rtmpserver.wire.media.VideoFormat;
import dev.rtmpserver.wire.media.VideoTag;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the JSON documents of the API from live streams and connections. */
final class StreamsView {
    private StreamsView() {
    }

    static Map<String, Object> stream(LiveStream.View v, List<Connection.Info> connections, long nowMillis) {
        return stream(v, connections, List.of(), nowMillis);
    }

    /** @param viewers the HTTP-FLV and WS-FLV viewers of every stream */
    static Map<String, Object> stream(LiveStream.View v, List<Connection.Info> connections,
                                      Collection<FlvViewer> viewers, long nowMillis) {
        StreamStats.Snapshot st = v.stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("app", v.key().app());
        m.put("name", v.key().name());
        m.put("publisher", v.publisher());
        m.put("reconnecting", v.reconnecting());
        Map<String, Object> video = video(v.videoConfig(), st.frameRate());
        if (video != null && !video.containsKey("width") && st.vp9Size() != null) {
            video.put("width", st.vp9Size().width());
            video.put("height", st.vp9Size().height());
            video.put("summary", CodecSummary.video(v.videoConfig(), st.vp9Size()));
        }
        m.put("video", video);
        m.put("audio", audio(v.audioConfig()));
        m.put("tracks", tracks(v));
        m.put("bitrateInKbps", st.bitrateKbps());
        List<Map<String, Object>> players = players(v.key(), connections);
        players.addAll(viewers(v.key(), viewers));
        m.put("bitrateOutKbps", st.bitrateKbps() * players.size());
        m.put("frameRate", st.frameRate());
        m.put("keyframeIntervalMs", st.keyframeIntervalMillis());
        m.put("uptimeSeconds", st.publishedSince() == 0 || v.publisher() == null ? 0
                : (nowMillis - st.publishedSince()) / 1000);
        m.put("bytesIn", st.bytesIn());
        m.put("bytesOut", v.bytesSent());
        m.put("players", players);
        m.put("recorders", v.recorders());
        m.put("bitrateHistoryKbps", st.bitrateHistory());
        return m;
    }

    /** One push target, its URL without the stream key. */
    static Map<String, Object> push(PushTarget.Status s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("url", s.url());
        m.put("state", s.state());
        m.put("lastError", s.lastError());
        m.put("attempts", s.attempts());
        m.put("nextRetryMs", s.nextRetryMs());
        m.put("bytesSent", s.bytesSent());
        m.put("droppedFrames", s.droppedFrames());
        return m;
    }

    /** Every audio and video track, for Enhanced RTMP multitrack streams; video and audio above are the main ones. */
    static List<Map<String, Object>> tracks(LiveStream.View v) {
        List<Map<String, Object>> tracks = new ArrayList<>();
        for (TrackConfigs.TrackConfig t : v.videoTracks()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "video");
            m.put("id", t.id());
            Map<String, Object> video = video(t.payload(), 0);
            video.remove("frameRate");
            m.putAll(video);
            tracks.add(m);
        }
        for (TrackConfigs.TrackConfig t : v.audioTracks()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "audio");
            m.put("id", t.id());
            m.putAll(audio(t.payload()));
            tracks.add(m);
        }
        return tracks;
    }

    private static List<Map<String, Object>> players(StreamKey key, List<Connection.Info> connections) {
        List<Map<String, Object>> players = new ArrayList<>();
        String name = key.toString();
        for (Connection.Info c : connections) {
            for (Connection.PlayerInfo p : c.playing()) {
                if (p.stream().equals(name)) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("connection", c.id());
                    m.put("protocol", "rtmp");
                    m.put("address", c.address());
                    m.put("lagMs", p.lagMillis());
                    m.put("droppedFrames", p.droppedFrames());
                    m.put("bytesOut", p.bytesSent());
                    players.add(m);
                }
            }
        }
        return players;
    }

    private static List<Map<String, Object>> viewers(StreamKey key, Collection<FlvViewer> viewers) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (FlvViewer viewer : viewers) {
            if (viewer.key().equals(key)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("viewer", viewer.id());
                m.put("protocol", viewer.protocol().label());
                m.put("address", viewer.client());
                m.put("lagMs", viewer.lagMillis());
                m.put("droppedFrames", viewer.droppedFrames());
                m.put("bytesOut", viewer.bytesSent());
                list.add(m);
            }
        }
        return list;
    }

    /**
     * The {@code video} object of a stream: codec and summary always, then what its decoder
     * configuration says (profile, level, size; for HEVC, AV1 and VP9 also tier, bit depth, chroma).
     */
    static Map<String, Object> video(byte[] config, double measuredFrameRate) {
        if (config == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        VideoTag tag = VideoTag.parse(config);
        m.put("codec", tag.codec().displayName());
        m.put("summary", CodecSummary.video(config));
        if (tag.codec() == VideoCodec.AVC) {
            try {
                AvcDecoderConfig avc = AvcDecoderConfig.parse(config, tag.dataOffset(), config.length - tag.dataOffset());
                m.put("profile", avc.profileName());
                m.put("level", avc.levelName());
                if (!avc.sps().isEmpty()) {
                    byte[] sps = avc.sps().get(0);
                    SpsInfo info = SpsInfo.parse(sps, 0, sps.length);
                    m.put("width", info.width());
                    m.put("height", info.height());
                }
            } catch (ProtocolException e) {
                m.put("error", "unreadable decoder configuration");
            }
        } else if (VideoFormat.describes(tag.codec()) && tag.sequenceHeader()) {
            try {
                VideoFormat f = VideoFormat.parse(tag.codec(), config, tag.dataOffset(),
                        config.length - tag.dataOffset());
                // Fields the configuration leaves unstated are left out, as for H.264 without an SPS.
                m.put("profile", f.profile());
                if (f.level() != null) {
                    m.put("level", f.level());
                }
                if (f.width() > 0) {
                    m.put("width", f.width());
                    m.put("height", f.height());
                }
                if (f.tier() != null) {
                    m.put("tier", f.tier());
                }
                m.put("bitDepth", f.bitDepth());
                m.put("chroma", f.chroma());
            } catch (ProtocolException e) {
                m.put("error", "unreadable decoder configuration");
            }
        }
        m.put("frameRate", measuredFrameRate);
        return m;
    }

    private static Map<String, Object> audio(byte[] config) {
        if (config == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        AudioTag tag = AudioTag.parse(config);
        m.put("codec", tag.codec().displayName());
        m.put("summary", CodecSummary.audio(config));
        if (tag.sequenceHeader() && tag.codec() == dev.rtmpserver.wire.media.AudioCodec.AAC) {
            try {
                AacConfig aac = AacConfig.parse(config, tag.dataOffset(), config.length - tag.dataOffset());
                m.put("profile", aac.objectTypeName());
                m.put("sampleRate", aac.sampleRate());
                m.put("channels", aac.channels());
            } catch (ProtocolException e) {
                m.put("error", "unreadable AudioSpecificConfig");
            }
        } else if (tag.sequenceHeader() && tag.codec() == dev.rtmpserver.wire.media.AudioCodec.OPUS
                && tag.dataOffset() < config.length) {
            try {
                OpusHead head = OpusHead.parse(config, tag.dataOffset(), config.length - tag.dataOffset());
                m.put("sampleRate", head.inputSampleRate());
                m.put("channels", head.channels());
            } catch (ProtocolException e) {
                m.put("error", "unreadable OpusHead");
            }
        }
        return m;
    }

    static Map<String, Object> connection(Connection.Info c, long nowMillis) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("address", c.address());
        m.put("role", c.role());
        m.put("app", c.app());
        m.put("publishing", c.publishing());
        List<Map<String, Object>> playing = new ArrayList<>();
        for (Connection.PlayerInfo p : c.playing()) {
            playing.add(Map.of("stream", p.stream(), "lagMs", p.lagMillis(), "droppedFrames", p.droppedFrames(),
                    "bytesOut", p.bytesSent()));
        }
        m.put("playing", playing);
        m.put("playingRecordings", c.recordings());
        m.put("bytesIn", c.bytesIn());
        m.put("bytesOut", c.bytesOut());
        m.put("connectedSeconds", (nowMillis - c.connectedAtMillis()) / 1000);
        return m;
    }
}
