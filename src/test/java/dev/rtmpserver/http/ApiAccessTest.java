package dev.rtmpserver.http;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiAccessTest {
    private static InetAddress address(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void withoutATokenOnlyThisMachineIsAnswered() throws Exception {
        ApiAccess access = new ApiAccess(Optional.empty());
        assertDoesNotThrow(() -> access.check(null, address("127.0.0.1")));
        assertDoesNotThrow(() -> access.check(null, address("::1")));
        HttpError e = assertThrows(HttpError.class, () -> access.check("Bearer anything", address("203.0.113.7")));
        assertEquals(403, e.status);
        assertTrue(e.getMessage().contains("--api-token"), e.getMessage());
    }

    @Test
    void withATokenEveryRequestNeedsIt() throws Exception {
        ApiAccess access = new ApiAccess(Optional.of("s3cret"));
        InetAddress remote = address("203.0.113.7");
        assertDoesNotThrow(() -> access.check("Bearer s3cret", remote));
        assertDoesNotThrow(() -> access.check("bearer  s3cret", remote), "the scheme is case-insensitive");
        for (String wrong : new String[] {null, "", "Bearer", "Bearer ", "Bearer s3cre", "Bearer s3cret2", "s3cret",
                "Basic s3cret", "Bearer S3CRET"}) {
            HttpError e = assertThrows(HttpError.class, () -> access.check(wrong, remote), String.valueOf(wrong));
            assertEquals(401, e.status);
            assertTrue(e.headers.get("WWW-Authenticate").startsWith("Bearer"));
        }
        HttpError local = assertThrows(HttpError.class, () -> access.check(null, address("127.0.0.1")));
        assertEquals(401, local.status, "with a token, this machine needs it too");
    }
}
