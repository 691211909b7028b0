package io.warren.management.console;

import static io.warren.management.RunningManagement.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.management.RunningManagement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The console's forms, node page and queue charts in a real Chromium, checked against what the API then says. */
class ConsoleFormsBrowserTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    private static ConsoleSession console;

    @BeforeAll
    static void browser() throws Exception {
        console = ConsoleSession.start(mgmt);
    }

    @AfterAll
    static void closeBrowser() {
        if (console != null) {
            console.close();
        }
    }

    @BeforeEach
    void loggedIn() {
        console.freshLogin();
    }

    private static JsonNode exchange(String name) {
        return mgmt.get("/api/exchanges/" + enc("/") + "/" + name).json();
    }

    /** Clicks an argument shortcut and types the value into the row it added (which has the focus). */
    private static void shortcut(String form, String argument, String value) {
        console.driver.findElement(By.cssSelector("#" + form + "-shortcuts [data-arg='" + argument + "']")).click();
        WebElement input = console.driver.switchTo().activeElement();
        input.clear();
        input.sendKeys(value);
    }

    @Test
    void theExchangeFormOffersEveryTypeTheServerListsAndDeclaresEachOne() {
        console.go("#/exchanges");
        Select type = new Select(console.visible(By.id("add-exchange-type")));
        List<String> offered = type.getOptions().stream().map(WebElement::getText).toList();
        List<String> listed = new ArrayList<>();
        mgmt.get("/api/overview").json().path("exchange_types").forEach(t -> listed.add(t.path("name").asText()));
        assertEquals(listed, offered);
        assertEquals(List.of("direct", "fanout", "topic", "headers", "x-consistent-hash", "x-message-deduplication",
                "x-delayed-message"), offered);

        for (String t : offered) {
            String name = "form-" + t;
            console.visible(By.id("add-exchange-name")).sendKeys(name);
            new Select(console.driver.findElement(By.id("add-exchange-type"))).selectByVisibleText(t);
            if (t.equals("x-message-deduplication")) {
                shortcut("exchange-args", "x-cache-size", "100");
            } else if (t.equals("x-delayed-message")) {
                new Select(console.visible(By.id("add-exchange-delayed-type"))).selectByVisibleText("topic");
            }
            console.driver.findElement(By.id("add-exchange-submit")).click();
            console.wait.until(d -> mgmt.get("/api/exchanges/" + enc("/") + "/" + name).status() == 200);
            // the page is drawn again with the new exchange listed before the next one is entered
            console.wait.until(d -> !d.findElements(By.cssSelector("#exchanges-table tr[data-name='" + name + "']"))
                    .isEmpty());
            assertEquals(t, exchange(name).path("type").asText());
        }
        JsonNode delayed = exchange("form-x-delayed-message").path("arguments");
        assertEquals("topic", delayed.path("x-delayed-type").asText());
        JsonNode cacheSize = exchange("form-x-message-deduplication").path("arguments").path("x-cache-size");
        assertTrue(cacheSize.isIntegralNumber(), "x-cache-size went out as " + cacheSize.getNodeType());
        assertEquals(100, cacheSize.asInt());
    }

    @Test
    void aQueueFromTheArgumentShortcutsHasNumbersAndBooleansNotStrings() {
        console.go("#/queues");
        console.visible(By.id("add-queue-name")).sendKeys("shortcut-q");
        shortcut("queue-args", "x-message-ttl", "60000");
        shortcut("queue-args", "x-max-length", "10");
        shortcut("queue-args", "x-overflow", "reject-publish");
        // a boolean shortcut comes with its value filled in
        console.driver.findElement(By.cssSelector("#queue-args-shortcuts [data-arg='x-single-active-consumer']"))
                .click();
        console.driver.findElement(By.id("add-queue-submit")).click();
        assertEquals("Queue added.", console.flash());

        JsonNode args = mgmt.get("/api/queues/" + enc("/") + "/shortcut-q").json().path("arguments");
        assertTrue(args.path("x-message-ttl").isIntegralNumber(), args.toString());
        assertEquals(60000, args.path("x-message-ttl").asInt());
        assertTrue(args.path("x-max-length").isIntegralNumber(), args.toString());
        assertEquals(10, args.path("x-max-length").asInt());
        assertTrue(args.path("x-single-active-consumer").isBoolean(), args.toString());
        assertTrue(args.path("x-single-active-consumer").asBoolean());
        assertEquals("reject-publish", args.path("x-overflow").asText());
        assertEquals(4, args.size(), args.toString());
    }

    @Test
    void aValueThatIsNotANumberIsRefusedInTheBrowserWithTheArgumentNamed() {
        console.go("#/queues");
        console.visible(By.id("add-queue-name")).sendKeys("never-declared");
        shortcut("queue-args", "x-message-ttl", "soon");
        console.driver.findElement(By.id("add-queue-submit")).click();
        assertEquals("Argument x-message-ttl must be a number, not 'soon'.", console.flash());
        assertEquals(404, mgmt.get("/api/queues/" + enc("/") + "/never-declared").status());
    }

    @Test
    void theNodePageShowsMemoryDiskDescriptorsUptimeVersionsAndListeners() {
        JsonNode node = mgmt.get("/api/nodes").json().get(0);
        console.go("#/node");
        console.wait.until(d -> d.findElement(By.id("node-name")).getText().equals(node.path("name").asText()));
        String memory = console.driver.findElement(By.id("node-mem")).getText();
        assertTrue(memory.matches("(?s)[0-9.]+ (B|KiB|MiB|GiB) of [0-9.]+ (KiB|MiB|GiB|TiB)\\s+memory used / high watermark"),
                memory);
        assertTrue(console.driver.findElement(By.id("node-heap")).getText().contains(" of "));
        assertTrue(console.driver.findElement(By.id("node-rss")).getText().matches("(?s)[0-9.]+ (KiB|MiB|GiB).*"));
        String disk = console.driver.findElement(By.id("node-disk")).getText();
        assertTrue(disk.matches("(?s)[0-9.]+ (B|KiB|MiB|GiB|TiB) \\(limit [0-9.]+ (B|KiB|MiB|GiB)\\).*"), disk);
        String fds = console.driver.findElement(By.id("node-fd")).getText();
        assertTrue(fds.matches("(?s)[0-9]+ of " + node.path("fd_total").asLong() + "\\s.*"), fds);
        assertTrue(console.driver.findElement(By.id("node-uptime")).getText()
                .matches("(?s)([0-9]+d [0-9]+h|[0-9]+h [0-9]+m|[0-9]+m [0-9]+s)\\s+uptime"));
        assertEquals(node.path("java_version").asText(), console.driver.findElement(By.id("node-java")).getText());
        assertEquals(node.path("product_version").asText(),
                console.driver.findElement(By.id("node-version")).getText());
        WebElement amqp = console.driver.findElement(By.cssSelector("#listeners-table tr[data-name='amqp']"));
        assertTrue(amqp.getText().endsWith(String.valueOf(mgmt.broker().port())), amqp.getText());
        assertFalse(console.driver.findElements(By.cssSelector("#listeners-table tr[data-name='http']")).isEmpty());
    }

    @Test
    void theQueuePageDrawsRateAndDepthChartsFromSamplesItTakes() throws Exception {
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("charted", false, false, false, null);
            console.go("#/queue/" + enc("/") + "/charted");
            console.visible(By.id("queue-chart-queued"));
            // a message each time the page is looked at, until the page has sampled a publish rate: rates are
            // differences between the server's samples, so a burst before its first sample would show none
            console.wait.until(d -> {
                try {
                    ch.basicPublish("", "charted", null, "m".getBytes());
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
                return (Boolean) console.script("return state.charts.rates.points.some(p => p.values.publish > 0)"
                        + " && state.charts.queued.points.some(p => p.values.ready > 0)");
            });
        }
        assertTrue(((Number) console.script("return state.charts.queued.points.length")).intValue() >= 2);
        // the lines are on the canvases: reddish pixels of the ready line (#b5462b), bluish ones of the publish line
        // (#2d6cdf), drawn anti-aliased over white, so mixed with it, and nothing else on these charts is either
        assertTrue(pixelsWhere("queue-chart-queued", "r - g > 40 && r - b > 40") > 20);
        assertTrue(pixelsWhere("queue-chart-rates", "b - r > 60 && b - g > 30") > 20);
    }

    private static long pixelsWhere(String canvasId, String condition) {
        Object n = console.script("const c = document.getElementById(arguments[0]);"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                + "for (let i = 0; i < d.length; i += 4) { const r = d[i], g = d[i + 1], b = d[i + 2];"
                + " if (d[i + 3] > 0 && " + condition + ") n++; } return n;", canvasId);
        return ((Number) n).longValue();
    }

    @Test
    void thePoliciesSectionNoLongerSaysPoliciesAreNotApplied() {
        console.go("#/admin");
        console.visible(By.id("policies-table-empty"));
        String text = console.driver.findElement(By.id("view")).getText();
        assertFalse(text.contains("does not apply"), text);
        assertTrue(text.contains("whose names match its pattern"), text);
    }

    @Test
    void aManagementUserIsNotOfferedTheNodePage() {
        mgmt.put("/api/users/viewer", "{\"password\":\"pw\",\"tags\":\"management\"}");
        mgmt.put("/api/permissions/" + enc("/") + "/viewer", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
        console.driver.findElement(By.id("logout")).click();
        console.logIn("viewer", "pw");
        console.visible(By.id("tile-queues"));
        assertFalse(console.driver.findElement(By.cssSelector("[data-nav='node']")).isDisplayed());
        assertTrue(console.driver.findElement(By.cssSelector("[data-nav='overview']")).isDisplayed());
    }
}
