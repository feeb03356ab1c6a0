package dev.rtmpserver.bench;

import dev.rtmpserver.wire.chunk.ChunkReader;
import dev.rtmpserver.wire.chunk.ChunkWriter;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage.SetChunkSize;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reassembling what a publisher sends: two seconds of a 2.5 Mbit/s stream (one GOP at 25 fps, a
 * 100 KB keyframe and 10 KB inter frames, with 200-byte AAC frames interleaved by time) in 4096-byte
 * chunks, read from memory by a fresh {@link ChunkReader}. Scored per message.
 */
public class ChunkReaderBenchmark extends ShortRun {
    private static final int CHUNK_SIZE = 4096;
    private static final int VIDEO_FRAMES = 50;
    /** AAC frames of 1024 samples at 44.1 kHz in the same two seconds. */
    private static final int AUDIO_FRAMES = 86;
    /** The Set Chunk Size a publisher sends first, then the media. */
    private static final int MESSAGES = 1 + VIDEO_FRAMES + AUDIO_FRAMES;

    private ByteArrayInputStream in;

    @Setup
    public void setUp() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChunkWriter writer = new ChunkWriter(bytes);
        writer.write(2, MessageCodec.encode(new SetChunkSize(CHUNK_SIZE), 0, 0));
        writer.setChunkSize(CHUNK_SIZE);
        Random random = new Random(1);
        int video = 0;
        int audio = 0;
        while (video < VIDEO_FRAMES || audio < AUDIO_FRAMES) {
            int videoTime = video * 40;
            int audioTime = audio * 1024 * 1000 / 44100;
            if (audio == AUDIO_FRAMES || (video < VIDEO_FRAMES && videoTime <= audioTime)) {
                byte[] frame = new byte[video == 0 ? 100 * 1024 : 10 * 1024];
                random.nextBytes(frame);
                writer.write(6, new RawMessage(MessageType.VIDEO, 1, videoTime, frame));
                video++;
            } else {
                byte[] frame = new byte[200];
                random.nextBytes(frame);
                writer.write(4, new RawMessage(MessageType.AUDIO, 1, audioTime, frame));
                audio++;
            }
        }
        in = new ByteArrayInputStream(bytes.toByteArray());
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void readMixedStream(Blackhole blackhole) throws IOException {
        in.reset();
        ChunkReader reader = new ChunkReader(in);
        for (int i = 0; i < MESSAGES; i++) {
            blackhole.consume(reader.read());
        }
    }
}
