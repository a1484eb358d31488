package dev.hindsight.control;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerStateTest {
    @ParameterizedTest
    @EnumSource(ServerState.class)
    void theTextTheControlDatabaseKeepsReadsBack(ServerState state) {
        assertThat(ServerState.of(state.text())).isEqualTo(state);
        assertThat(state.text()).isLowerCase();
    }

    @Test
    void anUnknownStateIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> ServerState.of("restarting")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown server state 'restarting'").hasMessageContaining("RUNNING");
    }

    @Test
    void onlyRunningAndFailedServersAreSupervisedAndOnlyHalfDoneOnesAreUnfinished() {
        assertThat(ServerState.values()).filteredOn(ServerState::supervised)
                .containsExactlyInAnyOrder(ServerState.RUNNING, ServerState.FAILED);
        assertThat(ServerState.values()).filteredOn(ServerState::unfinished)
                .containsExactlyInAnyOrder(ServerState.PROVISIONING, ServerState.RESTORING, ServerState.DELETING);
    }
}
