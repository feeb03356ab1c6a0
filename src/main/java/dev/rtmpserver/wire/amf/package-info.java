/**
 * AMF0 and AMF3 codecs for the bodies of RTMP command and data messages.
 *
 * <p>Decoded values are plain Java types, so command handlers can pattern-match on them without a
 * wrapper hierarchy:
 *
 * <ul>
 *   <li>number, AMF3 integer, AMF3 double: {@link java.lang.Double} (the encoder accepts any
 *       {@link java.lang.Number})
 *   <li>boolean: {@link java.lang.Boolean}
 *   <li>string, long string, XML document, AMF3 XML: {@link java.lang.String}
 *   <li>null: {@code null}; undefined: {@link dev.rtmpserver.wire.amf.Amf0#UNDEFINED}
 *   <li>anonymous object: {@link java.util.Map}, decoded as a {@link java.util.LinkedHashMap} in wire
 *       order
 *   <li>ECMA array (and AMF3 array with named entries): {@link dev.rtmpserver.wire.amf.AmfEcmaArray}
 *   <li>strict array (and AMF3 array without named entries): {@link java.util.List}
 *   <li>date: {@link dev.rtmpserver.wire.amf.AmfDate}
 *   <li>typed object: {@link dev.rtmpserver.wire.amf.AmfTypedObject}
 *   <li>AMF3 byte array: {@code byte[]}
 * </ul>
 *
 * <p>Every problem with the bytes, including exceeding one of the decoder's limits, is reported as
 * {@link dev.rtmpserver.wire.ProtocolException} so the connection layer can blame the peer and close
 * only that connection. Encoding a Java value that AMF0 cannot represent is a bug in our own code
 * and throws {@link java.lang.IllegalArgumentException} instead.
 */
package dev.rtmpserver.wire.amf;
