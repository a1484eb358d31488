package dev.hindsight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hindsight.testing.TestBrowser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console as a database administrator uses it, in headless Chromium: sign in, create a
 * server, change its retention (and see a refused value's error), restore it to a custom point
 * and find that point's data in the new server; a reader sees neither Save nor Restore.
 */
class ConsoleIT {
    private HindsightFixture hs;
    private ChromeDriver browser;
    private String console;

    @BeforeEach
    void start() throws Exception {
        hs = new HindsightFixture();
        browser = TestBrowser.start();
        console = "http://127.0.0.1:" + hs.daemon().port() + "/";
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        hs.close();
    }

    @Test
    void anAdministratorCreatesChangesAndRestoresAServerAndAReaderOnlyLooks() throws Exception {
        browser.get(console);
        // a wrong token is refused on the sign-in form
        signIn("hs_not-a-real-token");
        assertThat(visible("sign-in-error").getText()).contains("missing or wrong token");
        signIn(Files.readString(hs.home.resolve("daemon.token")).strip());
        assertThat(visible("whoami").getText()).isEqualTo("home (admin)");

        // create a server from the form and watch it come up
        click("create-open");
        type("create-name", "console-pg");
        type("create-retention", "7");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("create-tier"))).selectByValue("burstable");
        click("create-submit");
        hs.track("console-pg");
        waitFor(Duration.ofMinutes(3), d -> d.findElements(By.cssSelector("tr[data-server='console-pg']")).stream()
                .anyMatch(row -> row.getText().contains("running")));
        hs.awaitBackups("console-pg", HindsightFixture::anyCompleted, Duration.ofMinutes(2));

        // data at T, damage after it
        Instant t;
        Map<String, String> atT;
        try (Connection c = hs.connect("console-pg"); Statement s = c.createStatement()) {
            PitrEndToEndIT.createLoadTables(c);
            s.execute("INSERT INTO orders(customer, amount) SELECT g % 7, g FROM generate_series(1, 500) g");
            atT = PitrEndToEndIT.checksums(c);
            Thread.sleep(1200);
            t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Thread.sleep(1200);
            s.execute("DELETE FROM orders WHERE amount > 100");
            s.execute("UPDATE accounts SET balance = -1");
            assertThat(PitrEndToEndIT.checksums(c)).isNotEqualTo(atT);
        }
        awaitLatestPast("console-pg", t.plusSeconds(3));

        // the server page: change the retention; a refused value is shown next to the field and changes nothing
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(
                By.linkText("console-pg"))).click();
        assertThat(visible("server-name").getText()).isEqualTo("console-pg");
        type("retention", "36");
        click("save");
        assertThat(visible("retention-error").getText()).contains("35");
        assertThat(server("console-pg").path("backupRetentionDays").asInt()).isEqualTo(7);
        type("retention", "14");
        click("save");
        waitFor(Duration.ofSeconds(10), d -> d.findElement(By.id("saved")).getText().equals("Saved."));
        assertThat(server("console-pg").path("backupRetentionDays").asInt()).isEqualTo(14);
        assertThat(browser.findElement(By.id("retention-slider")).getAttribute("value")).isEqualTo("14");
        assertThat(visible("server-tier").getText()).isEqualTo("burstable");

        // long-term retention: a refused period is shown beside the LTR fields and kept out; a good one is saved
        type("ltr-monthly", "P11Y");
        click("save");
        assertThat(visible("ltr-error").getText()).contains("10 years");
        JsonNode kept = server("console-pg").path("longTermRetention");
        assertThat(kept.isNull() || kept.isMissingNode()).as("no policy was written: " + kept).isTrue();
        type("ltr-monthly", "P12M");
        click("save");
        waitFor(Duration.ofSeconds(10), d -> d.findElement(By.id("saved")).getText().equals("Saved."));
        assertThat(server("console-pg").path("longTermRetention").path("monthly").asText()).isEqualTo("P12M");

        // immutability: a period past ten years is refused and changes nothing; a good one is enforced from now on
        type("immutability", "3651");
        click("save");
        assertThat(visible("settings-error").getText()).contains("3650");
        assertThat(server("console-pg").path("immutabilityDays").asInt()).isZero();
        type("immutability", "2");
        click("save");
        waitFor(Duration.ofSeconds(10), d -> d.findElement(By.id("saved")).getText().equals("Saved."));
        assertThat(server("console-pg").path("immutabilityDays").asInt()).isEqualTo(2);
        assertThat(visible("server-immutability").getText()).isEqualTo("2 days, enforced by the storage");

        // the storage chart: uPlot draws the stacked types, the allowance and the billable part from the history
        waitFor(Duration.ofSeconds(20), d -> !d.findElements(By.cssSelector("#usage-chart canvas")).isEmpty());
        String legend = visible("usage-chart").getText();
        assertThat(legend).contains("full").contains("differential").contains("log").contains("ltr")
                .contains("free allowance").contains("billable");
        assertThat(visible("usage-summary").getText()).contains("stored").contains("free allowance");

        // a firewall rule: a bad address is refused where it was typed, a good one is applied at once
        type("rule-name", "office");
        type("rule-start", "127.0.0.300");
        click("rule-add");
        assertThat(visible("rule-error").getText()).contains("127.0.0.300");
        type("rule-start", "127.0.0.2");
        type("rule-end", "127.0.0.3");
        click("rule-add");
        waitFor(Duration.ofSeconds(60), d -> d.findElement(By.id("rule-applied")).getText().contains("every address"));
        assertThat(visible("firewall-table").getText()).contains("office").contains("127.0.0.3");
        assertThat(server("console-pg").path("firewallRules").get(0).path("startIp").asText()).isEqualTo("127.0.0.2");
        screenshot("console-server.png");

        // restore to the custom point T as a new server
        click("restore-open");
        click("restore-custom");
        WebElement when = visible("restore-time");
        assertThat(when.getAttribute("min")).isEqualTo(server("console-pg").path("earliestRestorePoint").asText()
                .substring(0, 19));
        setValue(when, t.toString().substring(0, 19));
        type("restore-name", "console-pg-at-t");
        screenshot("console-restore.png");
        click("restore-submit");
        hs.track("console-pg-at-t");
        waitFor(Duration.ofMinutes(4), d -> d.findElement(By.id("restore-done")).isDisplayed()
                || !d.findElement(By.id("restore-error")).getText().isEmpty());
        assertThat(browser.findElement(By.id("restore-error")).getText()).isEmpty();
        assertThat(visible("restore-note").getText()).isNotBlank();
        String uri = visible("restore-connection").getText();
        try (Connection restored = HindsightFixture.connectTo(uri)) {
            assertThat(PitrEndToEndIT.checksums(restored)).isEqualTo(atT);
        }
        click("restore-go");
        waitFor(Duration.ofSeconds(20), d -> d.findElement(By.id("server-name")).getText().equals("console-pg-at-t"));
        assertThat(visible("overview").getText()).contains("Restored from");
        assertThat(visible("server-tier").getText()).as("a restore keeps the tier").isEqualTo("burstable");
        assertThat(visible("firewall").getText()).as("a PostgreSQL restore does not keep the rules")
                .contains("No rules");

        // a reader sees the servers and their settings, and no Save, Restore or Create
        String reader = hs.cli("token", "create", "--name", "viewer", "--role", "reader", "--output", "json").ok()
                .json().path("secret").asText();
        click("sign-out");
        signIn(reader);
        assertThat(visible("whoami").getText()).isEqualTo("viewer (reader)");
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(
                By.linkText("console-pg"))).click();
        assertThat(browser.findElement(By.id("create-open")).isDisplayed()).isFalse();
        assertThat(visible("server-name").getText()).isEqualTo("console-pg");
        assertThat(browser.findElement(By.id("save")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("restore-open")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("retention")).isEnabled()).isFalse();
        assertThat(browser.findElement(By.id("firewall-form")).isDisplayed()).isFalse();
        assertThat(visible("firewall-table").getText()).contains("office");
    }

    @Test
    void aOneTimeLinkSignsTheConsoleInOnceWithTheRoleItWasMadeFor() throws Exception {
        String link = hs.cli("console-url", "--role", "reader").ok().out().lines().findFirst().orElseThrow();
        assertThat(link).startsWith(console + "#/link/hl_");
        browser.get(link);
        assertThat(visible("whoami").getText()).startsWith("console-").endsWith("(reader)");
        assertThat(browser.getCurrentUrl()).as("the code leaves the address bar").doesNotContain("hl_");
        assertThat(browser.findElement(By.id("create-open")).isDisplayed()).isFalse();

        // used once: the same link signs nobody in again, in this tab or another
        click("sign-out");
        browser.get(link);
        assertThat(visible("sign-in-error").getText()).contains("used already");
        assertThat(browser.findElements(By.id("whoami")).stream().noneMatch(WebElement::isDisplayed)).isTrue();

        // a link cannot carry more than its maker's role, and a made one signs in as admin
        String operatorToken = hs.cli("token", "create", "--name", "ops", "--role", "operator", "--output", "json")
                .ok().json().path("secret").asText();
        java.net.http.HttpResponse<String> refused = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(console + "api/v1/console-links"))
                        .header("Authorization", "Bearer " + operatorToken).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"role\":\"admin\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("cannot make a sign-in link for the role admin");
        browser.get(hs.cli("console-url").ok().out().lines().findFirst().orElseThrow());
        assertThat(visible("whoami").getText()).endsWith("(admin)");
        assertThat(hs.cli("token", "list").ok().out()).contains("console-");

        // the Activity page is live: while its event stream is open it does not poll, and changes made
        // elsewhere (here by the CLI) appear in it as they happen
        browser.get(console + "#/activity");
        visible("activity-live");
        hs.cli("token", "create", "--name", "live-check", "--role", "reader").ok();
        waitFor(Duration.ofSeconds(10), d -> d.findElement(By.id("audit-table")).getText()
                .contains("POST /api/v1/tokens live-check"));
        hs.cli("repository", "verify").ok();
        waitFor(Duration.ofSeconds(10), d -> d.findElement(By.id("operation-table")).getText().contains("verify")
                && d.findElement(By.id("operation-table")).getText().contains("succeeded"));
        screenshot("console-activity.png");
    }

    private void signIn(String token) {
        WebElement field = visible("token");
        field.clear();
        field.sendKeys(token);
        click("sign-in-button");
    }

    private JsonNode server(String name) {
        return hs.cli("server", "show", "--name", name, "--output", "json").ok().json();
    }

    private void awaitLatestPast(String name, Instant point) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (true) {
            String latest = server(name).path("latestRestorePoint").asText("");
            if (!latest.isEmpty() && Instant.parse(latest).isAfter(point)) {
                return;
            }
            assertThat(Instant.now()).as("the latest restore point of " + name + " passes " + point).isBefore(deadline);
            Thread.sleep(500);
        }
    }

    private WebElement visible(String id) {
        return new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    private void click(String id) {
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(By.id(id)))
                .click();
    }

    private void type(String id, String text) {
        WebElement field = visible(id);
        field.clear();
        field.sendKeys(text);
    }

    /** A date-time picker takes its value as a user's picking would leave it, with the event Alpine listens to. */
    private void setValue(WebElement field, String value) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];"
                + "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", field, value);
        // a picker may leave out ":00" seconds
        assertThat(field.getDomProperty("value")).startsWith(value.substring(0, 16));
    }

    private void waitFor(Duration timeout, java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(browser, timeout).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition::apply);
    }

    private void screenshot(String name) throws Exception {
        Path dir = Path.of(System.getProperty("hindsight.screenshots", "target/screenshots"));
        Files.createDirectories(dir);
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
