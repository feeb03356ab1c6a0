package dev.rtmpserver.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Range headers against a file of 1000 bytes (and a few against an empty one). */
class ByteRangeTest {
    @ParameterizedTest(name = "{0} of {1} bytes -> {2}-{3}")
    @CsvSource(delimiterString = "|", textBlock = """
            bytes=0-99                    | 1000 | 0   | 99
            bytes=100-100                 | 1000 | 100 | 100
            bytes=900-1999                | 1000 | 900 | 999
            bytes=0-99999999999999999999  | 1000 | 0   | 999
            bytes=000000000000000000005-6 | 1000 | 5   | 6
            bytes=500-                    | 1000 | 500 | 999
            bytes=999-                    | 1000 | 999 | 999
            bytes=-100                    | 1000 | 900 | 999
            bytes=-1000                   | 1000 | 0   | 999
            bytes=-5000                   | 1000 | 0   | 999
            Bytes = 1-2                   | 1000 | 1   | 2
            """)
    void aSingleSatisfiableRangeIsClippedToTheFile(String header, long size, long first, long last) {
        ByteRange range = ByteRange.parse(header, size).orElseThrow();
        assertEquals(new ByteRange(first, last), range);
        assertEquals(last - first + 1, range.length());
        assertEquals("bytes " + first + "-" + last + "/" + size, range.contentRange(size));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "|", textBlock = """
            bytes=0-1,5-6
            bytes=-1, 0-
            bytes=5-3,abc
            items=0-5
            0-5
            """)
    void severalRangesOrAnotherUnitGetTheWholeFile(String header) {
        assertEquals(Optional.empty(), ByteRange.parse(header, 1000));
    }

    @ParameterizedTest(name = "{0} of {1} bytes")
    @CsvSource(delimiterString = "|", textBlock = """
            bytes=1000-      | 1000
            bytes=1000-2000  | 1000
            bytes=-0         | 1000
            bytes=0-         | 0
            bytes=-5         | 0
            bytes=5-3        | 1000
            bytes=abc        | 1000
            bytes=-          | 1000
            bytes=           | 1000
            bytes=1-2-3      | 1000
            bytes=-1-2       | 1000
            bytes= 1 - 2     | 1000
            bytes=0x10-20    | 1000
            """)
    void anUnsatisfiableOrMalformedRangeIs416WithTheSize(String header, long size) {
        HttpError e = assertThrows(HttpError.class, () -> ByteRange.parse(header, size));
        assertEquals(416, e.status);
        assertEquals("bytes */" + size, e.headers.get("Content-Range"));
    }

    @ParameterizedTest(name = "none")
    @CsvSource(textBlock = """
            1000
            0
            """)
    void noHeaderIsTheWholeFile(long size) {
        assertEquals(Optional.empty(), ByteRange.parse(null, size));
    }
}
