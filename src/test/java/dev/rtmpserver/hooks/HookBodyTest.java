package dev.rtmpserver.hooks;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HookBodyTest {
    /**
     * Stream names may hold {@code &}, {@code =}, quotes and backslashes. Names with control characters
     * are refused at publish, but the encoding must not rely on that.
     */
    private static final String HOSTILE = "cam&admin=1=\"x\"\\y\né ✓";

    private static Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("call", "unpublish");
        fields.put("app", "live");
        fields.put("name", HOSTILE);
        fields.put("duration", new BigDecimal("3.042"));
        fields.put("bytes", 12345L);
        return fields;
    }

    @Test
    void formPercentEncodesEveryValueAndReadsBackAsSent() {
        String form = HookBody.form(fields());
        assertEquals("call=unpublish&app=live&name=cam%26admin%3D1%3D%22x%22%5Cy%0A%C3%A9+%E2%9C%93"
                + "&duration=3.042&bytes=12345", form);
        Map<String, String> read = new LinkedHashMap<>();
        for (String pair : form.split("&", -1)) {
            String[] kv = pair.split("=", 2);
            read.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        assertEquals(Map.of("call", "unpublish", "app", "live", "name", HOSTILE, "duration", "3.042", "bytes", "12345"),
                read);
    }

    @Test
    void jsonEscapesStringsAndWritesNumbersAsNumbers() {
        assertEquals("{\"call\":\"unpublish\",\"app\":\"live\",\"name\":\"cam&admin=1=\\\"x\\\"\\\\y\\né ✓\","
                + "\"duration\":3.042,\"bytes\":12345}", HookBody.json(fields()));
    }

    @Test
    void jsonEscapesEveryControlCharacter() {
        assertEquals("{\"a\":\"\\u0000\\u001b\\r\\t\\u007f\\u0085\\u2028\"}",
                HookBody.json(Map.of("a", "\0\u001b\r\t\u007f\u0085\u2028")));
    }

    @Test
    void decimalsNeverUseAnExponent() {
        Map<String, Object> fields = Map.of("duration", new BigDecimal("3E+1"));
        assertEquals("{\"duration\":30}", HookBody.json(fields));
        assertEquals("duration=30", HookBody.form(fields));
    }

    @Test
    void formatsAsOperatorsWriteThem() {
        assertEquals(HookFormat.JSON, HookFormat.parse(" JSON "));
        assertEquals(HookFormat.FORM, HookFormat.parse("form"));
        assertEquals("form", HookFormat.FORM.toString());
        assertThrows(IllegalArgumentException.class, () -> HookFormat.parse("xml"));
    }
}
