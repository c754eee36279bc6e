package org.careledger.views;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The views' stored form of an entry's content (ADR 30): lossless, smaller, and refused when not its own. */
class EntryContentCodecTest {

    static final String IMPORTED = "{\"displayTerm\":\"Urea nitrogen [Mass/volume] in Blood\",\"value\":{\"value\":7.33,"
            + "\"unit\":\"mg/dL\"},\"effectiveDate\":\"2022-05-24\",\"codings\":[{\"system\":\"http://loinc.org\","
            + "\"code\":\"6299-2\",\"display\":\"Urea nitrogen [Mass/volume] in Blood\"}],\"source\":{\"system\":"
            + "\"urn:careledger:source:fhir-import\",\"resourceType\":\"Observation\",\"id\":"
            + "\"02ba6a4a-919c-e116-3d24-ceed1d817d09\"}}";
    static final String WRITTEN = "{\"code\":{\"system\":\"DMD\",\"code\":\"324252006\"},\"displayTerm\":"
            + "\"Amoxicillin 500mg capsules\",\"text\":\"One to be taken three times a day\",\"effectiveDate\":\"2014-11-18\"}";

    @Test
    void typicalContentRoundTripsAtLessThanHalfItsSize() {
        for (String json : new String[]{IMPORTED, WRITTEN}) {
            byte[] stored = EntryContentCodec.encode(json);
            assertThat(stored[0]).isEqualTo(EntryContentCodec.FORMAT_1);
            assertThat(EntryContentCodec.decode(stored)).isEqualTo(json);
            assertThat(stored.length).as(json).isLessThan(json.getBytes(StandardCharsets.UTF_8).length / 2);
        }
    }

    @Property(tries = 300)
    void anyTextRoundTrips(@ForAll @StringLength(max = 30_000) String text) {
        String json = "{\"text\":\"" + text + "\"}";
        assertThat(EntryContentCodec.decode(EntryContentCodec.encode(json))).isEqualTo(json);
    }

    @Test
    void theSameContentIsStoredAsTheSameBytes() {
        // a rebuild's rows are compared with the live ones byte for byte (ViewRebuildTest)
        assertThat(EntryContentCodec.encode(IMPORTED)).isEqualTo(EntryContentCodec.encode(IMPORTED));
    }

    @Test
    void whatItDidNotWriteIsRefusedWithoutEchoingIt() {
        byte[] stored = EntryContentCodec.encode(IMPORTED);
        byte[] otherFormat = stored.clone();
        otherFormat[0] = 2;
        assertThatThrownBy(() -> EntryContentCodec.decode(otherFormat)).hasMessageContaining("format 2");
        assertThatThrownBy(() -> EntryContentCodec.decode(Arrays.copyOf(stored, stored.length / 2)))
                .hasMessageContaining("truncated").hasMessageNotContaining("Urea");
        assertThatThrownBy(() -> EntryContentCodec.decode("{\"text\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> EntryContentCodec.decode(new byte[0])).hasMessageContaining("empty");
    }
}
