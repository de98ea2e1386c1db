package org.dmabuf4j.api;

/**
 * A call that breaks a rule of the contract: wrong lock state, wrong party, wrong order, bad argument.
 *
 * <p>Bad arguments (null, negative, out of range) are reported with this exception or a subclass, naming the rule
 * whose precondition they break.
 */
public class RuleViolationException extends DmaBufException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     */
    public RuleViolationException(Rule rule, String message) {
        super(rule, message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param rule the rule that was broken; not null
     * @param message what happened, which objects were involved and what to do instead; not null
     * @param cause the underlying exception, or null
     */
    public RuleViolationException(Rule rule, String message, Throwable cause) {
        super(rule, message, cause);
    }
}
