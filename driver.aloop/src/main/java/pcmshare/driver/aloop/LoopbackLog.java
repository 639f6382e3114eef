package pcmshare.driver.aloop;

/** Where a loopback card reports what an operator should know (timer source gone or back). */
public interface LoopbackLog {
    void warn(String message);

    void info(String message);

    /** Through System.Logger, for when no OSGi log service is there. */
    static LoopbackLog system() {
        System.Logger l = System.getLogger("pcmshare.driver.aloop");
        return new LoopbackLog() {
            @Override
            public void warn(String message) {
                l.log(System.Logger.Level.WARNING, message);
            }

            @Override
            public void info(String message) {
                l.log(System.Logger.Level.INFO, message);
            }
        };
    }
}
