package pcmshare.driver.kit;

import java.util.Objects;

/**
 * The outcome of one rule on one card.
 *
 * @param rule    the rule
 * @param outcome passed, failed, or skipped (the card cannot be checked for it, e.g. no way to remove it)
 * @param message for a failure, the first violation, starting with the rule's name; for a skip, why; else what was checked
 * @param failure the failure as thrown, or null
 */
public record RuleResult(Rule rule, Outcome outcome, String message, Throwable failure) {

    public enum Outcome {
        PASSED, FAILED, SKIPPED
    }

    public RuleResult {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(outcome, "outcome");
    }

    public boolean passed() {
        return outcome == Outcome.PASSED;
    }

    public boolean failed() {
        return outcome == Outcome.FAILED;
    }

    @Override
    public String toString() {
        return rule.id() + " " + outcome + (message == null ? "" : ": " + message);
    }
}
