package org.careledger.shared;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

import java.util.Locale;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link OdsCode}'s shape check is a loop; it must accept exactly what the shape's regular expression accepts. */
class OdsCodePropertyTest {

    /** The shape as it was first written. */
    private static final Pattern SHAPE = Pattern.compile("(?=.*[A-Z])[A-Z0-9]{3,6}");

    @Property(tries = 3000)
    void acceptsExactlyWhatTheShapeExpressionAccepts(@ForAll @StringLength(max = 8)
            @Chars({'A', 'Z', 'a', 'z', '0', '9', '5', 'M', 'm', ' ', '-', '\u00df', '\u0131', '\u00c9', '\t'})
            String candidate) {
        String normalised = candidate.strip().toUpperCase(Locale.ROOT);
        boolean expected = SHAPE.matcher(normalised).matches();
        boolean accepted;
        try {
            assertThat(OdsCode.of(candidate).value()).isEqualTo(normalised);
            accepted = true;
        } catch (Refusal refusal) {
            assertThat(refusal.kind()).isEqualTo(Refusal.Kind.INVALID_ODS_CODE);
            accepted = false;
        }
        assertThat(accepted).as("\"%s\"", candidate).isEqualTo(expected);
    }
}
