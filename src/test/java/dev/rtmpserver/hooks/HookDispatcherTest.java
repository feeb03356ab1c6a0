package dev.rtmpserver.hooks;

import dev.rtmpserver.metrics.Counters;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dispatcher with a scripted sender, a sleeper that only records, and no real waiting. */
class HookDispatcherTest {
    private static final URI URL = URI.create("http://127.0.0.1:9/hook");

    private final Counters counters = new Counters();
    /** What the fake receiver does with each request in turn: an HTTP status or an exception. */
    private final Deque<Object> answers = new ArrayDeque<>();
    private final List<String> bodies = new ArrayList<>();
    private final List<Duration> sleeps = new ArrayList<>();

    private final HookDispatcher.Sender sender = (url, contentType, body, timeout) -> {
        bodies.add(body);
        Object answer = answers.isEmpty() ? 200 : answers.removeFirst();
        if (answer instanceof IOException e) {
            throw e;
        }
        return (Integer) answer;
    };

    private HookDispatcher dispatcher(BiConsumer<String, Runnable> threads, int maxInFlight) {
        return new HookDispatcher(sender, sleeps::add, () -> 0.5, threads, () -> 0, maxInFlight,
                Duration.ofSeconds(5), counters);
    }

    /** Runs each event at once, on the caller's thread. */
    private HookDispatcher dispatcher() {
        return dispatcher((name, task) -> task.run(), 10);
    }

    private long count(String hook, String result) {
        return counters.hooks().get(hook).get(result);
    }

    @Test
    void deliversAfterTwoFailures() {
        answers.add(new ConnectException());
        answers.add(503);
        answers.add(200);
        dispatcher().post("unpublish", "live/cam", URL, HookFormat.FORM, "call=unpublish");
        assertEquals(List.of("call=unpublish", "call=unpublish", "call=unpublish"), bodies);
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), sleeps);
        assertEquals(1, count("unpublish", Counters.HOOK_OK));
        assertEquals(0, count("unpublish", Counters.HOOK_FAILED));
    }

    @Test
    void givesUpAfterThreeRetries() {
        for (int i = 0; i < 10; i++) {
            answers.add(i % 2 == 0 ? 500 : new HttpTimeoutException("request timed out"));
        }
        HookDispatcher d = dispatcher();
        d.post("done", "live/cam", URL, HookFormat.JSON, "{}");
        assertEquals(4, bodies.size(), "the first attempt and three retries");
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)), sleeps);
        assertEquals(1, count("done", Counters.HOOK_FAILED));
        assertEquals(0, count("done", Counters.HOOK_OK));
        assertEquals(0, d.inFlight());
    }

    @Test
    void anAnswerOtherThanA5xxIsFinal() {
        answers.add(404);
        answers.add(302);
        HookDispatcher d = dispatcher();
        d.post("record_done", "live/cam", URL, HookFormat.FORM, "a=1");
        d.post("record_done", "live/cam", URL, HookFormat.FORM, "a=2");
        assertEquals(List.of("a=1", "a=2"), bodies);
        assertEquals(List.of(), sleeps);
        assertEquals(2, count("record_done", Counters.HOOK_FAILED));
    }

    @Test
    void eventsPastTheCapAreDroppedAndCounted() throws InterruptedException {
        List<Runnable> started = new ArrayList<>();
        HookDispatcher d = dispatcher((name, task) -> started.add(task), 2);
        d.post("unpublish", "live/cam", URL, HookFormat.FORM, "1");
        d.post("done", "live/cam", URL, HookFormat.FORM, "2");
        d.post("unpublish", "live/cam", URL, HookFormat.FORM, "3");
        d.run("exec_record_done", () -> true);
        assertEquals(2, started.size());
        assertEquals(2, d.inFlight());
        assertEquals(1, count("unpublish", Counters.HOOK_DROPPED));
        assertEquals(1, count("exec_record_done", Counters.HOOK_DROPPED));
        assertFalse(d.awaitIdle(Duration.ZERO), "two still in flight");

        started.forEach(Runnable::run);
        assertTrue(d.awaitIdle(Duration.ZERO));
        assertEquals(List.of("1", "2"), bodies);
        assertEquals(1, count("unpublish", Counters.HOOK_OK));
        assertEquals(1, count("done", Counters.HOOK_OK));

        d.post("unpublish", "live/cam", URL, HookFormat.FORM, "4");
        assertEquals(3, started.size(), "room again once the others are done");
    }

    @Test
    void aJobCountsAsItsResult() {
        HookDispatcher d = dispatcher();
        d.run("exec_record_done", () -> true);
        d.run("exec_record_done", () -> false);
        d.run("exec_record_done", () -> {
            throw new IllegalStateException("bug");
        });
        assertEquals(1, count("exec_record_done", Counters.HOOK_OK));
        assertEquals(2, count("exec_record_done", Counters.HOOK_FAILED));
        assertEquals(0, d.inFlight());
    }

    @Test
    void logsShowWhereAHookGoesButNotItsSecrets() {
        assertEquals("https://hooks.example:8443/on/done",
                HookDispatcher.shown(URI.create("https://user:pw@hooks.example:8443/on/done?token=s3cret")));
        assertEquals("http://127.0.0.1", HookDispatcher.shown(URI.create("http://127.0.0.1?key=1")));
    }
}
