package org.careledger.reading;

import org.careledger.shared.Actor;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.careledger.views.ViewsDatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The directory as the edge reads it, from the register tables the ledger wrote, on real PostgreSQL. */
class DirectoryReadsTest extends ViewsDatabaseTest {

    @Autowired
    DirectoryReads directory;

    @Test
    void registeredOrganisationsAndStaffAreListedAndNamed() {
        OdsCode practice = organisation(OrganisationType.GP_PRACTICE);
        OdsCode pharmacy = organisation(OrganisationType.PHARMACY);
        Actor gp = staff(Role.GP, practice);

        assertThat(directory.organisations())
                .contains(new DirectoryReads.Organisation(practice, "Org " + practice, OrganisationType.GP_PRACTICE),
                        new DirectoryReads.Organisation(pharmacy, "Org " + pharmacy, OrganisationType.PHARMACY))
                .extracting(o -> o.ods().value()).isSorted();
        assertThat(directory.organisationName(practice)).contains("Org " + practice);
        assertThat(directory.staffName(gp.user())).contains("Staff " + gp.user());
    }

    @Test
    void unknownOrganisationsAndStaffHaveNoName() {
        assertThat(directory.organisationName(OdsCode.of("ZZZ99"))).isEmpty();
        assertThat(directory.staffName(new UserId(UUID.randomUUID()))).isEmpty();
    }
}
