package pcmshare.driver.kit;

/** A card broke a rule; the message starts with the rule's name and a colon. */
public final class ConformanceFailure extends AssertionError {
    private static final long serialVersionUID = 1L;

    private final Rule rule;

    public ConformanceFailure(Rule rule, String detail) {
        super(rule.id() + ": " + detail);
        this.rule = rule;
    }

    public ConformanceFailure(Rule rule, String detail, Throwable cause) {
        super(rule.id() + ": " + detail, cause);
        this.rule = rule;
    }

    public Rule rule() {
        return rule;
    }
}
