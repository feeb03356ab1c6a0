package dev.rtmpserver.session;

import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.message.RtmpMessage.Command;
import dev.rtmpserver.wire.message.RtmpMessage.Data;
import dev.rtmpserver.wire.message.StatusCode;

import java.util.List;
import java.util.Map;

/** The messages the server answers with, built in one place. */
final class Replies {
    /** What connect's _result announces; clients only display it. */
    private static final String FMS_VERSION = "FMS/3,5,7,7009";
    private static final double CAPABILITIES = 31;
    /** FourCcInfoMask.CanForward: this server relays a codec, it neither decodes nor encodes it. */
    private static final double FOURCC_CAN_FORWARD = 4;

    private Replies() {
    }

    static Command onStatus(StatusCode status, String description) {
        return new Command("onStatus", 0, null, List.of(status.info(description)));
    }

    /**
     * The properties object of the connect result. To a client that announced Enhanced RTMP it
     * also says what this server does with it (spec v2, "Enhancing NetConnection connect
     * Command"): it forwards any codec, and takes reconnect requests, multitrack and ModEx.
     */
    static Map<String, Object> serverProperties(boolean enhancedClient) {
        Map<String, Object> props = Amf0.object("fmsVer", FMS_VERSION, "capabilities", CAPABILITIES, "mode", 1.0);
        if (enhancedClient) {
            props.put("fourCcList", List.of("*"));
            props.put("videoFourCcInfoMap", Amf0.object("*", FOURCC_CAN_FORWARD));
            props.put("audioFourCcInfoMap", Amf0.object("*", FOURCC_CAN_FORWARD));
            props.put("capsEx", (double) (ClientCodecs.CAPS_RECONNECT | ClientCodecs.CAPS_MULTITRACK
                    | ClientCodecs.CAPS_MOD_EX));
        }
        return props;
    }

    /** Sent before a play's media: lets Flash-era players read the stream's bytes. */
    static Data sampleAccess() {
        return new Data(List.of("|RtmpSampleAccess", true, true));
    }
}
