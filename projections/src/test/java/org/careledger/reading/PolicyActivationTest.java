package org.careledger.reading;

import org.careledger.access.Reader;
import org.careledger.audit.Channel;
import org.careledger.audit.Purpose;
import org.careledger.policy.ActivatePolicyVersion;
import org.careledger.policy.LedgerPolicy;
import org.careledger.policy.RolePolicy;
import org.careledger.shared.Actor;
import org.careledger.shared.NhsNumber;
import org.careledger.shared.OdsCode;
import org.careledger.shared.OrganisationType;
import org.careledger.shared.Refusal;
import org.careledger.shared.Role;
import org.careledger.shared.UserId;
import org.careledger.views.ViewsDatabaseTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Activating a policy version through the service the edge calls: the version goes in force, the views follow. */
class PolicyActivationTest extends ViewsDatabaseTest {

    @Autowired
    PolicyActivation activation;
    @Autowired
    LedgerPolicy policy;

    final Actor ig = Actor.staff(new UserId(UUID.randomUUID()), Role.IG_OFFICER, OdsCode.of("X26"));

    @Test
    void anActivatedVersionIsInForceForTheNextReadAndTheViewsWereRebuiltFromTheEvents() {
        OdsCode practice = organisation(OrganisationType.GP_PRACTICE);
        Actor gp = staff(Role.GP, practice);
        NhsNumber patient = patient(gp);
        String version = "activated-" + UUID.randomUUID();

        PolicyActivation.Activated activated = activation.activate(new ActivatePolicyVersion(
                RolePolicy.defaultSource().replace("policy.version=1", "policy.version=" + version), ig,
                clock.instant()));

        assertThat(activated.eventsReplayed()).isPositive();
        assertThat(policy.current().version()).isEqualTo(version);
        RecordRead read = reads.open(Reader.staff(gp.user(), gp.role(), gp.organisation(), Set.of()), patient,
                Purpose.DIRECT_CARE, Channel.WEB);
        assertThat(read.allowed()).isTrue();
        assertThat(read.policyVersion()).isEqualTo(version);
    }

    @Test
    void aFileThatDoesNotParseIsRefusedAndThePolicyInForceStays() {
        String before = policy.current().version();

        assertThatThrownBy(() -> activation.activate(new ActivatePolicyVersion("not a policy", ig, clock.instant())))
                .isInstanceOf(Refusal.class);

        assertThat(policy.current().version()).isEqualTo(before);
    }
}
