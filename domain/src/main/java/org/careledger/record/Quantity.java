package org.careledger.record;

import org.careledger.shared.Refusal;
import org.careledger.shared.Values;

import java.math.BigDecimal;

/** A measured value with its UCUM unit ("mm[Hg]", "kg", "mmol/L"); "1" for unitless scores. */
public record Quantity(BigDecimal value, String unit) {
    public Quantity {
        Refusal.requireValue(value, "value");
        value = Values.plain(Values.number(value, "value"));
        Values.text(unit, "unit");
        if (unit == null || unit.isBlank() || unit.length() > 40) {
            throw new Refusal(Refusal.Kind.INVALID_INPUT, "a value needs a unit (UCUM, at most 40 characters)");
        }
        unit = unit.strip();
    }
}
