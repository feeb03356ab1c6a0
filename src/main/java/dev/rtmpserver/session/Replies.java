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

    private Replies() {
    }

    static Command onStatus(StatusCode status, String description) {
        return new Command("onStatus", 0, null, List.of(status.info(description)));
    }

    static Map<String, Object> serverProperties() {
        return Amf0.object("fmsVer", FMS_VERSION, "capabilities", CAPABILITIES, "mode", 1.0);
    }

    /** Sent before a play's media: lets Flash-era players read the stream's bytes. */
    static Data sampleAccess() {
        return new Data(List.of("|RtmpSampleAccess", true, true));
    }
}
