package dev.rtmpserver.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HostPortTest {
    @Test
    // Literal addresses: nothing is looked up, so there is no choice among several answers to make.
    @SuppressWarnings("AddressSelection")
    void addressesArePlainAndIpv6IsShortenedAndBracketed() throws Exception {
        assertEquals("127.0.0.1:47070", HostPort.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 47070)));
        assertEquals("[::1]:1935", HostPort.of(new InetSocketAddress(InetAddress.getByName("::1"), 1935)));
        assertEquals("[::]:1935", HostPort.of(InetAddress.getByName("::"), 1935));
        assertEquals("[2001:db8::7]:1", HostPort.of(InetAddress.getByName("2001:db8:0:0:0:0:0:7"), 1));
        assertEquals("203.0.113.7:5", HostPort.of(new InetSocketAddress(InetAddress.getByAddress("cam.example",
                new byte[] {(byte) 203, 0, 113, 7}), 5)), "the address, not the host name it has");
    }

    @Test
    void theLongestRunOfZeroGroupsBecomesTheShorthandAndOnlyARunOfTwoOrMore() {
        assertEquals("2001:db8::1:0:0:1", HostPort.shorten("2001:db8:0:0:1:0:0:1"));
        assertEquals("2001:0:0:1::1", HostPort.shorten("2001:0:0:1:0:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", HostPort.shorten("2001:db8:0:1:1:1:1:1"));
        assertEquals("1::", HostPort.shorten("1:0:0:0:0:0:0:0"));
        assertEquals("fe80::1%eth0", HostPort.shorten("fe80:0:0:0:0:0:0:1%eth0"));
    }
}
