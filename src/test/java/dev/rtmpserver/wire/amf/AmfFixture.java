package dev.rtmpserver.wire.amf;

import dev.rtmpserver.testing.AnnotatedHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One named example of encoded AMF and the value it stands for, shared by the fixture tables and
 * the truncation tests so that every documented example is also attacked byte by byte.
 *
 * @param expected the decoded value, or {@link Values} when the bytes hold several top-level values
 */
record AmfFixture(String name, byte[] bytes, Object expected) {

    /** Several top-level values in one message, such as the parts of a command. */
    record Values(List<Object> values) {}

    static AmfFixture fixture(String name, String annotatedHex, Object expected) {
        return new AmfFixture(name, hex(annotatedHex), expected);
    }

    static Values values(Object... values) {
        return new Values(Arrays.asList(values));
    }

    List<Object> expectedValues() {
        return expected instanceof Values v ? v.values() : Arrays.asList(expected);
    }

    static byte[] hex(String annotatedHex) {
        return AnnotatedHex.bytes(annotatedHex);
    }

    static String toHex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Compares decoded values strictly: Java types must match exactly and map entries must be in the
     * same order, which plain Map.equals would not check.
     */
    static void assertAmfEquals(Object expected, Object actual) {
        assertAmfEquals(expected, actual, "value");
    }

    private static void assertAmfEquals(Object expected, Object actual, String path) {
        switch (expected) {
            case null -> assertNull(actual, path);
            case byte[] bytes -> assertArrayEquals(bytes, assertInstanceOf(byte[].class, actual, path), path);
            case Map<?, ?> map -> assertMapEquals(map, assertInstanceOf(Map.class, actual, path), path);
            case AmfEcmaArray array ->
                    assertMapEquals(array.entries(), assertInstanceOf(AmfEcmaArray.class, actual, path).entries(), path);
            case AmfTypedObject object -> {
                AmfTypedObject typed = assertInstanceOf(AmfTypedObject.class, actual, path);
                assertEquals(object.className(), typed.className(), path + " class name");
                assertMapEquals(object.properties(), typed.properties(), path);
            }
            case List<?> list -> {
                List<?> actualList = assertInstanceOf(List.class, actual, path);
                assertEquals(list.size(), actualList.size(), path + " size");
                for (int i = 0; i < list.size(); i++) {
                    assertAmfEquals(list.get(i), actualList.get(i), path + "[" + i + "]");
                }
            }
            default -> {
                assertInstanceOf(expected.getClass(), actual, path);
                assertEquals(expected, actual, path);
            }
        }
    }

    private static void assertMapEquals(Map<?, ?> expected, Map<?, ?> actual, String path) {
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()), path + " keys in order");
        for (Map.Entry<?, ?> entry : expected.entrySet()) {
            assertAmfEquals(entry.getValue(), actual.get(entry.getKey()), path + "." + entry.getKey());
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
