package dev.rtmpserver.http;


import java.util.List;

/** {@code /healthz}: 200 and {@code ok} when every listener accepts, 503 naming those that do not. */
final class Health {
    private Health() {
    }

    static Response render(List<ListenerState> listeners) {
        boolean up = listeners.stream().allMatch(ListenerState::up);
        StringBuilder sb = new StringBuilder(up ? "ok\n" : "down\n");
        for (ListenerState l : listeners) {
            sb.append(l.name()).append(' ');
            // One line per listener, whatever a reason holds, so scripts can read it line by line.
            sb.append(l.up() ? "up" : "down: " + l.reason().replaceAll("\\p{Cntrl}", " ")).append('\n');
        }
        return Response.text(up ? 200 : 503, Response.TEXT, sb.toString());
    }
}
