package dev.hindsight.storage;

import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlacementPlannerTest {
    static SiteConfig fs(String name, String region, int paths) {
        List<String> p = new ArrayList<>();
        for (int i = 1; i <= paths; i++) {
            p.add("/backups/" + name + "/" + i);
        }
        return SiteConfig.filesystem(name, region, p);
    }

    static StorageConfig config(String paired, List<Redundancy> allowed, SiteConfig... sites) {
        return new StorageConfig("east", paired, allowed, List.of(sites)).validated();
    }

    static final StorageConfig ONE_SITE = config(null, null, fs("a", "east", 3));
    static final StorageConfig ZONES_AND_GEO = config("west", null, fs("a", "east", 3), fs("b", "east", 1),
            fs("c", "east", 1), fs("w", "west", 1));

    @Test
    void theDefaultPresetIsProdAndTakesGeoWhereItCan() {
        var choice = PlacementPlanner.choose(ZONES_AND_GEO, null, null);
        assertThat(choice.redundancy()).isEqualTo(Redundancy.GEO);
        assertThat(choice.note()).isNull();
        assertThat(PlacementPlanner.place(ZONES_AND_GEO, Redundancy.GEO))
                .isEqualTo(new Placement(Redundancy.GEO, List.of("a"), "w"));
    }

    @Test
    void aPresetThatCannotBeHadFallsBackToLocalAndSaysWhy() {
        var choice = PlacementPlanner.choose(ONE_SITE, null, "prod");
        assertThat(choice.redundancy()).isEqualTo(Redundancy.LOCAL);
        assertThat(choice.note()).contains("workload prod asks for geo", "not paired", "storage region pair");
    }

    @Test
    void devIsLocal() {
        assertThat(PlacementPlanner.choose(ZONES_AND_GEO, null, "dev").redundancy()).isEqualTo(Redundancy.LOCAL);
    }

    @Test
    void anExplicitRedundancyWinsOverThePreset() {
        assertThat(PlacementPlanner.choose(ZONES_AND_GEO, "geo-zone", "dev").redundancy())
                .isEqualTo(Redundancy.GEO_ZONE);
        assertThat(PlacementPlanner.place(ZONES_AND_GEO, Redundancy.GEO_ZONE))
                .isEqualTo(new Placement(Redundancy.GEO_ZONE, List.of("a", "b", "c"), "w"));
    }

    @Test
    void anExplicitRedundancyThatCannotBeHadIsAnError() {
        assertThatThrownBy(() -> PlacementPlanner.choose(ONE_SITE, "zone", null))
                .isInstanceOf(HindsightException.class)
                .hasMessageContaining("zone redundancy needs at least 3 sites in region east, which has 1 (a)")
                .satisfies(e -> assertThat(((HindsightException) e).hint()).contains("storage site add"));
        assertThatThrownBy(() -> PlacementPlanner.choose(ONE_SITE, "geo", null))
                .hasMessageContaining("not paired");
        assertThatThrownBy(() -> PlacementPlanner.choose(config("west", null, fs("a", "east", 1)), "geo", null))
                .hasMessageContaining("the paired region west has no site");
    }

    @Test
    void thePolicyForbidsWhatItDoesNotAllow() {
        StorageConfig residency = config("west", List.of(Redundancy.LOCAL, Redundancy.ZONE), fs("a", "east", 3),
                fs("b", "east", 1), fs("c", "east", 1), fs("w", "west", 1));
        assertThatThrownBy(() -> PlacementPlanner.choose(residency, "geo", null))
                .isInstanceOf(HindsightException.class)
                .hasMessageContaining("policy allows only local, zone")
                .satisfies(e -> assertThat(((HindsightException) e).hint()).contains("storage policy set"));
        var preset = PlacementPlanner.choose(residency, null, "prod");
        assertThat(preset.redundancy()).isEqualTo(Redundancy.LOCAL);
        assertThat(preset.note()).contains("policy allows only local, zone");
        StorageConfig zoneOnly = config(null, List.of(Redundancy.ZONE), fs("a", "east", 1), fs("b", "east", 1),
                fs("c", "east", 1));
        assertThat(PlacementPlanner.choose(zoneOnly, null, "dev").redundancy()).isEqualTo(Redundancy.ZONE);
    }

    @Test
    void nothingPossibleIsAnError() {
        StorageConfig geoOnly = config(null, List.of(Redundancy.GEO), fs("a", "east", 1));
        assertThatThrownBy(() -> PlacementPlanner.choose(geoOnly, null, null))
                .hasMessageContaining("no backup redundancy is both allowed and possible");
    }

    @Test
    void misspeltValuesSayWhatIsAccepted() {
        assertThatThrownBy(() -> PlacementPlanner.choose(ONE_SITE, "regional", null))
                .hasMessageContaining("unknown backup redundancy 'regional'")
                .satisfies(e -> assertThat(((HindsightException) e).hint()).contains("local, zone, geo, geo-zone"));
        assertThatThrownBy(() -> PlacementPlanner.choose(ONE_SITE, null, "production"))
                .hasMessageContaining("unknown workload 'production'");
        assertThatThrownBy(() -> PlacementPlanner.choose(ONE_SITE, "local", "production"))
                .hasMessageContaining("unknown workload");
    }

    @Test
    void aLocalFilesystemSiteWithFewerThanThreePathsIsReported() {
        StorageConfig single = config(null, null, fs("a", "east", 1));
        var choice = PlacementPlanner.choose(single, "local", null);
        assertThat(choice.redundancy()).isEqualTo(Redundancy.LOCAL);
        assertThat(choice.note()).contains("site a keeps 1 copy", "3 paths on distinct disks");
        assertThat(PlacementPlanner.choose(ONE_SITE, "local", null).note()).isNull();
    }

    @Test
    void badConfigurationsAreRefusedWithWhatToFix() {
        assertThatThrownBy(() -> config(null, null, fs("a", "west", 1)))
                .hasMessageContaining("the primary region east has no site");
        assertThatThrownBy(() -> config("east", null, fs("a", "east", 1)))
                .hasMessageContaining("cannot be paired with itself");
        assertThatThrownBy(() -> SiteConfig.filesystem("Bad_Name", "east", List.of("/x")).validated())
                .hasMessageContaining("invalid site name 'Bad_Name'");
        assertThatThrownBy(() -> SiteConfig.filesystem("a", "east", List.of("relative/dir")).validated())
                .hasMessageContaining("is relative");
        assertThatThrownBy(() -> SiteConfig.filesystem("a", "east", List.of("/x", "/x")).validated())
                .hasMessageContaining("the same path twice");
        assertThatThrownBy(() -> new SiteConfig("s", "s3", "east", null, null, null, null, null, null, "AK", null,
                null, null, null, null, null).validated()).hasMessageContaining("needs --bucket");
        assertThatThrownBy(() -> new SiteConfig("z", "azure", "east", null, "https://x.blob.core.windows.net", null,
                null, null, null, null, null, "c", "x", "key", "sas", null).validated())
                .hasMessageContaining("exactly one Azure credential");
        assertThatThrownBy(() -> ONE_SITE.withSite(fs("a", "east", 1))).hasMessageContaining("already exists");
        assertThatThrownBy(() -> ONE_SITE.withAllowed(List.of())).hasMessageContaining("at least one");
    }
}
