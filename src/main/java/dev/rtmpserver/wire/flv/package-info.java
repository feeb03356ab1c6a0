/**
 * The FLV file format (Adobe Flash Video File Format Specification v10.1, Annex E): {@link
 * dev.rtmpserver.wire.flv.FlvWriter} records tags to a file, {@link
 * dev.rtmpserver.wire.flv.FlvReader} and {@link dev.rtmpserver.wire.flv.KeyframeIndex} read one
 * back for playback with seeking, and {@link dev.rtmpserver.wire.flv.Metadata} handles the
 * onMetaData tag both sides share.
 *
 * <p>A tag's payload is exactly the body of the RTMP message of the same type, so tags pass
 * between files and connections unchanged; what is inside them is {@link dev.rtmpserver.wire.media}'s
 * and {@link dev.rtmpserver.wire.amf}'s business.
 *
 * <p>The classes work on channels the caller opens and closes, and do no logging and start no
 * threads. Damaged input fails with {@link dev.rtmpserver.wire.ProtocolException}; a file that
 * merely stops inside its last tag, as a crashed recording does, is not damaged (see {@link
 * dev.rtmpserver.wire.flv.FlvReader}). Arguments our own code should never pass, such as a tag type
 * FLV does not have, throw {@link java.lang.IllegalArgumentException}.
 */
package dev.rtmpserver.wire.flv;
