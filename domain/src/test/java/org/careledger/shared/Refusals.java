package org.careledger.shared;

import org.axonframework.test.aggregate.ResultValidator;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Assertions on {@link Refusal}s: by kind, never by message wording. */
public final class Refusals {

    private Refusals() {
    }

    /** Matches a {@link Refusal} of the given kind. */
    public static Matcher<Refusal> refusalOf(Refusal.Kind kind) {
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(Refusal refusal) {
                return refusal.kind() == kind;
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("a Refusal of kind ").appendValue(kind);
            }

            @Override
            protected void describeMismatchSafely(Refusal refusal, Description mismatch) {
                mismatch.appendText("was ").appendValue(refusal.kind()).appendText(": ").appendText(refusal.getMessage());
            }
        };
    }

    /** The command was refused with this kind and recorded nothing. */
    public static <T> ResultValidator<T> expectRefused(ResultValidator<T> result, Refusal.Kind kind) {
        return result.expectNoEvents().expectException(Refusal.class).expectException(refusalOf(kind));
    }

    /** The code throws a {@link Refusal} of this kind. */
    public static void assertRefused(ThrowingCallable code, Refusal.Kind kind) {
        assertThatThrownBy(code).isInstanceOf(Refusal.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((Refusal) e).kind()).isEqualTo(kind));
    }
}
