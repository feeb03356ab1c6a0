package dev.rtmpserver.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Handlers for POSIX signals. The JDK's only way is {@code sun.misc.Signal} (module jdk.unsupported),
 * which javac flags as internal proprietary API on every build with no means to silence it under
 * {@code --release}; reached through reflection, the same calls compile without that warning.
 */
final class Signals {
    private Signals() {
    }

    /** A proxy is equal only to itself: identity is what equality means for a handler. */
    @SuppressWarnings("ReferenceEquality")
    private static boolean isSame(Object proxy, Object other) {
        return proxy == other;
    }

    /**
     * Runs {@code action} on the JVM's signal thread whenever signal {@code name} (HUP, TERM, INT)
     * arrives, instead of the JVM's default action.
     *
     * @throws IllegalArgumentException if the JVM does not let signals be handled (under -Xrs, say)
     */
    static void on(String name, Runnable action) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance(name);
            Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            action.run();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> isSame(proxy, args[0]);
                        default -> "signal handler for SIG" + name;
                    });
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            handle.invoke(null, signal, handler);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException refused) {
                throw refused;
            }
            throw new IllegalStateException("cannot handle SIG" + name, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this runtime has no sun.misc.Signal (module jdk.unsupported)", e);
        }
    }
}
