package org.careledger.api.problem;

/** An error the edge itself raises (a stale If-Match, a record that is not available, ...). */
public final class ProblemException extends RuntimeException {

    private final Problem problem;

    public ProblemException(Problem problem, String detail) {
        super(detail, null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
