package org.careledger.reading;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.careledger.record.EntryContent;
import org.careledger.storage.LedgerJson;
import org.careledger.views.EntryContentCodec;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

import java.time.LocalDate;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsed entry contents, cached by their stored bytes: never another entry's content, bounded, and observable. */
class StoredContentsTest {

    private static byte[] stored(EntryContent content) throws Exception {
        return EntryContentCodec.encode(LedgerJson.mapper().writeValueAsString(content));
    }

    private static ObjectProvider<MeterRegistry> meters(MeterRegistry registry) {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        if (registry != null) {
            beans.addBean("meters", registry);
        }
        return beans.getBeanProvider(MeterRegistry.class);
    }

    @Test
    void equalBytesAreParsedOnceAndAnsweredFromTheCacheAfterwards() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StoredContents contents = new StoredContents(100, meters(registry));
        EntryContent written = EntryContent.text("Seen in clinic; reviewed", LocalDate.of(2024, 3, 14));
        byte[] first = stored(written);

        EntryContent read = contents.read(first);
        EntryContent again = contents.read(first.clone()); // another row's copy of the same bytes

        assertThat(read).isEqualTo(written);
        assertThat(again).isSameAs(read);
        assertThat(registry.get("cache.gets").tag("cache", "entry-contents").tag("result", "hit")
                .functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.get("cache.gets").tag("cache", "entry-contents").tag("result", "miss")
                .functionCounter().count()).isEqualTo(1.0);
    }

    @Property(tries = 200)
    void differentContentIsNeverAnsweredWithAnothersParse(
            @ForAll @AlphaChars @Chars({' ', 'é', '\''}) @StringLength(min = 1, max = 300) String a,
            @ForAll @AlphaChars @Chars({' ', 'é', '\''}) @StringLength(min = 1, max = 300) String b)
            throws Exception {
        // (free text is refused with control characters where it is made: EntryContent's own rule)
        StoredContents contents = new StoredContents(10, meters(null));
        EntryContent first = EntryContent.text("Note " + a, LocalDate.of(2020, 1, 1));
        EntryContent second = EntryContent.text("Note " + b, LocalDate.of(2020, 1, 1));
        assertThat(contents.read(stored(first))).isEqualTo(first);
        assertThat(contents.read(stored(second))).isEqualTo(second);
        assertThat(contents.read(stored(first))).isEqualTo(first);
    }

    @Test
    void turnedOffItStillReadsButKeepsNothing() throws Exception {
        StoredContents contents = new StoredContents(0, meters(new SimpleMeterRegistry()));
        EntryContent written = EntryContent.text("Dressing changed", LocalDate.of(2025, 6, 1));
        byte[] bytes = stored(written);
        EntryContent read = contents.read(bytes);
        assertThat(read).isEqualTo(written);
        assertThat(contents.read(bytes)).isEqualTo(written).isNotSameAs(read);
        assertThatThrownBy(() -> new StoredContents(-1, meters(null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("content-cache-entries");
    }

    @Test
    void aStoredValueThatIsNotAnEntrysContentIsRefusedWithoutEchoingIt() throws Exception {
        StoredContents contents = new StoredContents(100, meters(null));
        byte[] notContent = EntryContentCodec.encode("{\"text\":\"Private words\",\"effectiveDate\":\"not a date\"}");
        assertThatThrownBy(() -> contents.read(notContent))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining("Private words");
        byte[] valid = stored(EntryContent.text("Private words", LocalDate.of(2020, 1, 1)));
        assertThatThrownBy(() -> contents.read(Arrays.copyOf(valid, valid.length / 2)))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining("Private words");
    }
}
