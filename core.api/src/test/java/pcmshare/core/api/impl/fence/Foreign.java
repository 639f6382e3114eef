package pcmshare.core.api.impl.fence;

import java.lang.reflect.Proxy;

/** Objects that implement the fence API without being made by pcmshare, as an attacker's would. */
final class Foreign {
    private Foreign() {
    }

    /** An implementation of {@code type} that claims to be signalled and answers nothing else. */
    static <T> T impostor(Class<T> type) {
        Object proxy = Proxy.newProxyInstance(Foreign.class.getClassLoader(), new Class<?>[] {type},
                (p, m, args) -> switch (m.getName()) {
                    case "equals" -> p == args[0];
                    case "hashCode" -> System.identityHashCode(p);
                    case "toString" -> "foreign " + type.getSimpleName();
                    case "isSignalled" -> true;
                    default -> throw new AssertionError("pcmshare called a foreign " + type.getSimpleName()
                            + "." + m.getName());
                });
        return type.cast(proxy);
    }
}
