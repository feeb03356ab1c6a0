package dev.rtmpserver.wire.flv;

import dev.rtmpserver.testing.AnnotatedHex;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Tag payloads shaped like real ones, and files built from them, for the FLV tests. */
final class FlvFiles {
    static final byte[] AVC_SEQUENCE_HEADER = AnnotatedHex.bytes("""
            17             # frame type 1 (key), CodecID 7 (AVC)
            00             # AVCPacketType 0: sequence header
            000000         # composition time 0
            01 64 00 1f    # AVCDecoderConfigurationRecord begins
            """);
    static final byte[] AAC_SEQUENCE_HEADER = AnnotatedHex.bytes("""
            af             # SoundFormat 10 (AAC), 44 kHz, 16 bit, stereo
            00             # AACPacketType 0: sequence header
            12 10          # AudioSpecificConfig: AAC-LC, 44100 Hz, stereo
            """);

    private FlvFiles() {
    }

    static byte[] avcKeyframe(int seed) {
        return AnnotatedHex.concat("""
                17             # frame type 1 (key), CodecID 7 (AVC)
                01             # AVCPacketType 1: NAL units
                000000         # composition time 0
                00000002 65    # NAL unit of 2 bytes: IDR slice
                """, String.format("%02x", seed & 0xFF));
    }

    static byte[] avcInterFrame(int seed) {
        return AnnotatedHex.concat("""
                27             # frame type 2 (inter), CodecID 7 (AVC)
                01             # AVCPacketType 1: NAL units
                000021         # composition time +33 ms
                00000002 41    # NAL unit of 2 bytes: non-IDR slice
                """, String.format("%02x", seed & 0xFF));
    }

    static byte[] aacFrame(int seed) {
        return AnnotatedHex.concat("""
                af             # SoundFormat 10 (AAC), 44 kHz, 16 bit, stereo
                01             # AACPacketType 1: raw frame
                21 1a          # raw_data_block begins
                """, String.format("%02x", seed & 0xFF));
    }

    /** A file with nothing but {@code bytes}. */
    static Path file(Path dir, String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** A new file open for writing, as a recorder opens one. */
    static FileChannel create(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.READ);
    }

    static FileChannel openForReading(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    /** Writes the tags without metadata and returns the file position of each tag. */
    static List<Long> write(Path file, boolean audio, boolean video, List<FlvTag> tags) throws IOException {
        try (FileChannel ch = create(file)) {
            FlvWriter writer = FlvWriter.create(ch, audio, video);
            List<Long> positions = new ArrayList<>();
            for (FlvTag tag : tags) {
                positions.add(writer.bytesWritten());
                writer.write(tag);
            }
            return positions;
        }
    }

    /** Every tag {@link FlvReader#next} returns before its first null. */
    static List<FlvTag> readAll(Path file) throws IOException {
        try (FileChannel ch = openForReading(file)) {
            return readAll(FlvReader.open(ch));
        }
    }

    static List<FlvTag> readAll(FlvReader reader) throws IOException {
        List<FlvTag> tags = new ArrayList<>();
        for (FlvTag tag = reader.next(); tag != null; tag = reader.next()) {
            tags.add(tag);
        }
        return tags;
    }
}
