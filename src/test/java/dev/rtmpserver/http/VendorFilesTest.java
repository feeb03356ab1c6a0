package dev.rtmpserver.http;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The vendored player libraries are byte for byte what npm published, and ship with their licences. */
class VendorFilesTest {
    private static byte[] resource(String name) throws IOException {
        try (InputStream in = HttpApi.class.getResourceAsStream("vendor/" + name)) {
            assertNotNull(in, "vendor/" + name + " is in the jar");
            return in.readAllBytes();
        }
    }

    @Test
    void everyVendoredFileMatchesItsPinnedHashAndHasItsLicence() throws IOException, NoSuchAlgorithmException {
        List<String> lines = new String(resource("SHA256SUMS"), StandardCharsets.US_ASCII).lines().toList();
        assertFalse(lines.isEmpty());
        for (String line : lines) {
            String[] parts = line.split(" +");
            String file = parts[1];
            String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(resource(file)));
            assertEquals(parts[0], actual, file);
            assertNotNull(resource(file.replaceFirst("\\.js$", ".LICENSE")), file + "'s licence");
        }
    }
}
