package dev.hindsight.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import dev.hindsight.util.HindsightException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The house as docs/ARCHITECTURE.md draws it: dependencies run one way, from the entry points
 * down to util, and the two engines know nothing of each other. Checked on the compiled main
 * classes, so a fully qualified name or a lambda counts as much as an import line.
 */
class LayeringTest {
    /** Top to bottom; a layer may use any layer below it and none above. */
    static final List<String> LAYERS = List.of("cli", "daemon", "api", "control", "jobs", "engine", "plan", "repo",
            "storage", "store", "util");

    static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        // the main classes' own directory (or jar): tests may reach into an engine, the code may not
        main = new ClassFileImporter().importUrl(HindsightException.class.getProtectionDomain().getCodeSource()
                .getLocation());
    }

    @Test
    void everyClassLivesInALayer() {
        assertThat(main.stream().map(c -> c.getPackageName())).as("classes outside every layer")
                .allMatch(p -> LAYERS.stream().anyMatch(l -> p.equals("dev.hindsight." + l)
                        || p.startsWith("dev.hindsight." + l + ".")));
        assertThat(main.size()).as("the importer found the main classes").isGreaterThan(200);
    }

    @Test
    void dependenciesRunDownwardOnly() {
        Architectures.LayeredArchitecture layers = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String layer : LAYERS) {
            layers = layers.layer(layer).definedBy("dev.hindsight." + layer + "..");
        }
        for (int i = 1; i < LAYERS.size(); i++) {
            layers = layers.whereLayer(LAYERS.get(i)).mayOnlyBeAccessedByLayers(
                    LAYERS.subList(0, i).toArray(String[]::new));
        }
        layers = layers.whereLayer(LAYERS.get(0)).mayNotBeAccessedByAnyLayer();
        assertNoViolations(layers.evaluate(main));
    }

    @Test
    void theEnginesAreIndependentAndTheEngineCoreNamesNone() {
        for (List<String> pair : List.of(List.of("postgres", "mariadb"), List.of("mariadb", "postgres"))) {
            assertNoViolations(noClasses().that().resideInAPackage("dev.hindsight.engine." + pair.get(0) + "..")
                    .should().dependOnClassesThat().resideInAPackage("dev.hindsight.engine." + pair.get(1) + "..")
                    .evaluate(main));
        }
        assertNoViolations(noClasses().that().resideInAPackage("dev.hindsight.engine")
                .should().dependOnClassesThat().resideInAnyPackage("dev.hindsight.engine.postgres..",
                        "dev.hindsight.engine.mariadb..")
                .evaluate(main));
    }

    @Test
    void nothingAboveTheEnginesNamesAnEnginesOwnPackage() {
        assertNoViolations(noClasses().that().resideOutsideOfPackages("dev.hindsight.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.hindsight.engine.postgres..",
                        "dev.hindsight.engine.mariadb..")
                .evaluate(main));
    }

    @Test
    void thereAreNoCyclesBetweenPackages() {
        assertNoViolations(SlicesRuleDefinition.slices().matching("dev.hindsight.(**)").should().beFreeOfCycles()
                .evaluate(main));
    }

    private static void assertNoViolations(EvaluationResult result) {
        assertThat(result.getFailureReport().getDetails()).as(result.getFailureReport().toString()).isEmpty();
    }
}
