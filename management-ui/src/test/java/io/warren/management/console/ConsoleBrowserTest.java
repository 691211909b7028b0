package io.warren.management.console;

import static io.warren.management.RunningManagement.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.management.RunningManagement;
import io.warren.management.api.MoveAndRedriveTestSupport;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The console in a real headless Chromium against a real broker: what an operator clicks, end to end. */
class ConsoleBrowserTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    private static ConsoleSession console;
    private static WebDriver driver;
    private static WebDriverWait wait;

    @BeforeAll
    static void browser() throws Exception {
        console = ConsoleSession.start(mgmt);
        driver = console.driver;
        wait = console.wait;
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

    private static void logIn(String user, String password) {
        console.logIn(user, password);
    }

    private static void go(String hash) {
        console.go(hash);
    }

    private static String flash() {
        return console.flash();
    }

    @Test
    void aWrongPasswordIsRefusedAndTheRightOneShowsTheOverview() {
        driver.findElement(By.id("logout")).click();
        logIn("guest", "wrong");
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
        assertTrue(error.getText().contains("Wrong username or password"), error.getText());
        logIn("guest", "guest");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("chart-rates")));
        assertEquals("guest", driver.findElement(By.id("whoami")).getText());
    }

    @Test
    void aQueueAClientDeclaresAppearsInTheQueueList() throws Exception {
        go("#/queues");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("add-queue")));
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("appeared", false, false, false, null);
            ch.basicPublish("", "appeared", null, "x".getBytes());
            // the list refreshes itself: no reload
            wait.until(d -> !d.findElements(By.cssSelector("#queues-table tr[data-name='appeared']")).isEmpty());
            wait.until(d -> d.findElement(By.cssSelector("#queues-table tr[data-name='appeared']")).getText()
                    .contains("1"));
            // with its type and node (a quorum queue's node is its leader, with its other members counted)
            String row = driver.findElement(By.cssSelector("#queues-table tr[data-name='appeared']")).getText();
            assertTrue(row.contains("classic " + mgmt.admin().nodeName()), row);
        }
    }

    @Test
    void publishGetAndPurgeFromTheQueuePage() {
        go("#/queues");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("add-queue-name"))).sendKeys("console-q");
        driver.findElement(By.id("add-queue-submit")).click();
        assertEquals("Queue added.", flash());
        go("#/queue/" + enc("/") + "/console-q");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("publish-payload"))).sendKeys("hello from the console");
        driver.findElement(By.id("publish-submit")).click();
        assertEquals("Message published.", flash());
        wait.until(d -> d.findElement(By.id("queue-total")).getText().equals("1"));

        driver.findElement(By.id("get-submit")).click();
        WebElement payload = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#get-results .payload")));
        assertEquals("hello from the console", payload.getText());

        driver.findElement(By.id("purge")).click();
        driver.switchTo().alert().accept();
        assertEquals("Queue purged.", flash());
        wait.until(d -> mgmt.get("/api/queues/" + enc("/") + "/console-q").json().path("messages").asInt() == 0);
    }

    @Test
    void aStreamsPageShowsItsSegmentsOffsetsAndEachConsumersOffsetAndLag() throws Exception {
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("console-stream", true, false, false, java.util.Map.of("x-queue-type", "stream"));
            ch.confirmSelect();
            for (int i = 0; i < 8; i++) {
                ch.basicPublish("", "console-stream", null, ("event " + i).getBytes());
            }
            ch.waitForConfirmsOrDie(30_000);
            go("#/queue/" + enc("/") + "/console-stream");
            wait.until(d -> d.findElement(By.id("stream-last-offset")).getText().equals("7"));
            assertEquals("0", driver.findElement(By.id("stream-first-offset")).getText());
            assertEquals("1", driver.findElement(By.id("stream-segments")).getText());

            Channel consuming = c.createChannel();
            consuming.basicQos(3); // never acks: it stays three messages in, five behind
            consuming.basicConsume("console-stream", false, "auditor", false, false,
                    java.util.Map.of("x-stream-offset", "first", "x-stream-consumer-group", "audit"),
                    (tag, d) -> { }, tag -> { });
            // the consumers' table refreshes itself (no reload); read in one script, as a refresh may replace it
            wait.until(d -> texts("#queue-consumers-table tbody tr td").size() > 5
                    && texts("#queue-consumers-table tbody tr td").get(5).equals("3"));
            List<String> cells = texts("#queue-consumers-table tbody tr td");
            assertEquals("auditor", cells.get(0));
            assertEquals(List.of("Offset", "Lag", "Stored offset", "Group"),
                    texts("#queue-consumers-table thead th").subList(5, 9));
            assertEquals(List.of("3", "5", "-", "audit"), cells.subList(5, 9));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> texts(String css) {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim())", css);
    }

    @Test
    void aManagementUserIsNotOfferedDefinitionsAndARefusalDoesNotLogItOut() {
        mgmt.put("/api/users/clerk", "{\"password\":\"pw\",\"tags\":\"management\"}");
        mgmt.put("/api/permissions/" + enc("/") + "/clerk", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
        driver.findElement(By.id("logout")).click();
        logIn("clerk", "pw");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("tile-queues")));
        assertFalse(driver.findElement(By.cssSelector("[data-nav='definitions']")).isDisplayed());
        go("#/definitions");
        wait.until(d -> d.findElement(By.id("view")).getText().contains("for administrators"));
        // what an upload would answer: the refusal is shown, the session stays
        Object answer = ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "api('POST', '/definitions', {}).then(() => done('imported'), e => done(e.message));");
        assertEquals("Not administrator user", answer);
        assertTrue(driver.findElement(By.id("app")).isDisplayed());
        assertEquals("clerk", driver.findElement(By.id("whoami")).getText());
    }

    @Test
    void importedDefinitionsShowUp() {
        go("#/definitions");
        WebElement text = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("definitions-import-text")));
        String defs = "{\"queues\":[{\"name\":\"from-file\",\"vhost\":\"/\",\"durable\":true,\"arguments\":{}}],"
                + "\"exchanges\":[{\"name\":\"file-x\",\"vhost\":\"/\",\"type\":\"fanout\",\"durable\":true}],"
                + "\"bindings\":[{\"source\":\"file-x\",\"vhost\":\"/\",\"destination\":\"from-file\","
                + "\"destination_type\":\"queue\",\"routing_key\":\"\",\"arguments\":{}}]}";
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1]", text, defs);
        driver.findElement(By.id("definitions-import-submit")).click();
        assertEquals("Definitions imported.", flash());
        go("#/queues");
        wait.until(d -> !d.findElements(By.cssSelector("#queues-table tr[data-name='from-file']")).isEmpty());
    }

    @Test
    void aDeadLetterQueueIsReDrivenWithOneClick() throws Exception {
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("invoices", false, false, false, null);
            ch.queueDeclare("invoices.dlq", false, false, false, null);
            for (int i = 0; i < 3; i++) {
                ch.basicPublish("", "invoices.dlq", MoveAndRedriveTestSupport.deadLettered("invoices"),
                        ("invoice " + i).getBytes());
            }
        }
        go("#/queue/" + enc("/") + "/invoices.dlq");
        wait.until(d -> d.findElement(By.id("queue-total")).getText().equals("3"));
        driver.findElement(By.id("redrive")).click();
        String message = flash();
        assertTrue(message.contains("Re-drove 3 messages (3 to invoices)"), message);
        wait.until(d -> mgmt.get("/api/queues/" + enc("/") + "/invoices").json().path("messages").asInt() == 3);
    }

    @Test
    void aDelayedExchangePageShowsHowManyMessagesWaitAndTheSoonest() throws Exception {
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.exchangeDeclare("reminders", "x-delayed-message", false, false,
                    java.util.Map.of("x-delayed-type", "direct"));
            for (int i = 1; i <= 3; i++) {
                ch.basicPublish("reminders", "call-back", new com.rabbitmq.client.AMQP.BasicProperties.Builder()
                        .headers(java.util.Map.of("x-delay", 600_000 * i)).build(), ("reminder " + i).getBytes());
            }
        }
        go("#/exchange/" + enc("/") + "/reminders");
        wait.until(d -> d.findElements(By.cssSelector("#delayed-messages tbody tr")).size() == 3);
        assertTrue(driver.getPageSource().contains("Delayed messages: 3"));
        assertEquals("call-back",
                driver.findElement(By.cssSelector("#delayed-messages tbody tr td:nth-child(2)")).getText());
    }
}
