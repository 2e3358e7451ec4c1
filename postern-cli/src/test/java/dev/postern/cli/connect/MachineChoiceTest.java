package dev.postern.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.common.api.MachineView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MachineChoiceTest {
    static MachineView m(String id, String region, boolean online) {
        return new MachineView(id, "web", id + ".vm.web.internal", region, "fd00::" + id.length(), online ? "online" : "offline",
                Instant.parse("2026-01-01T00:00:00Z"));
    }

    final List<MachineView> machines = List.of(m("aa", "fra", false), m("bb", "fra", true), m("cc", "ams", true));

    @Test
    void anOfflineNamedMachineFailsNamingItAndNeverFallsBack() {
        assertThatThrownBy(() -> MachineChoice.choose(machines, "web", "aa", null, null))
                .isInstanceOf(CliException.class).hasMessageContaining("machine aa of app web is offline")
                .hasMessageContaining("not connecting to another machine")
                .extracting(e -> ((CliException) e).exitCode()).isEqualTo(ExitCodes.FAILURE);
    }

    @Test
    void aNamedMachineIsFoundByIdOrName() {
        assertThat(MachineChoice.choose(machines, "web", "cc", null, null).id()).isEqualTo("cc");
        assertThat(MachineChoice.choose(machines, "web", "bb.vm.web.internal", null, null).id()).isEqualTo("bb");
        assertThatThrownBy(() -> MachineChoice.choose(machines, "web", "zz", null, null))
                .hasMessage("no machine 'zz' in app 'web'; see 'postern machines list --app web'");
    }

    @Test
    void aMistypedMachineIdGetsTheClosestKnownOnes() {
        List<MachineView> real = List.of(m("01bddfbd4ba21f", "fra", true), m("7e56be863cf3d1", "fra", true));
        assertThatThrownBy(() -> MachineChoice.choose(real, "web", "01bddfbd4ba2f1", null, null))
                .hasMessage("no machine '01bddfbd4ba2f1' in app 'web'; see 'postern machines list --app web'; did you"
                        + " mean '01bddfbd4ba21f'?");
    }

    @Test
    void withoutAFlagAnyOnlineMachine() {
        assertThat(MachineChoice.choose(machines, "web", null, null, null).state()).isEqualTo("online");
    }

    @Test
    void regionFilters() {
        assertThat(MachineChoice.choose(machines, "web", null, "ams", null).id()).isEqualTo("cc");
        assertThatThrownBy(() -> MachineChoice.choose(List.of(m("aa", "fra", false)), "web", null, "fra", null))
                .hasMessageContaining("no machine in region fra of app web is online");
    }

    @Test
    void noneOnlineOrNoneAtAllSaySo() {
        assertThatThrownBy(() -> MachineChoice.choose(List.of(m("aa", "fra", false)), "web", null, null, null))
                .hasMessageContaining("no machine in app web is online (1 known, all offline)");
        assertThatThrownBy(() -> MachineChoice.choose(List.of(), "web", null, null, null))
                .hasMessageContaining("app web has no machines yet");
    }

    @Test
    void selectOffersOnlyOnlineCandidates() {
        MachineView picked = MachineChoice.choose(machines, "web", null, null, candidates -> {
            assertThat(candidates).extracting(MachineView::id).containsExactly("bb", "cc");
            return candidates.get(1);
        });
        assertThat(picked.id()).isEqualTo("cc");
    }

    @Test
    void machineWithRegionOrSelectIsBadUsage() {
        assertThatThrownBy(() -> MachineChoice.choose(machines, "web", "bb", "fra", null))
                .extracting(e -> ((CliException) e).exitCode()).isEqualTo(ExitCodes.USAGE);
    }
}
