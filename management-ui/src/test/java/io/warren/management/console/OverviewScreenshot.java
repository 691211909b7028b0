package io.warren.management.console;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.management.RunningManagement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Not a test: takes the README's screenshot of the overview while clients publish and consume. Run with
 * {@code -Dtest=OverviewScreenshot -Dwarren.screenshot=docs/overview-under-load.png}.
 */
@EnabledIfSystemProperty(named = "warren.screenshot", matches = ".+")
class OverviewScreenshot {
    @Test
    void overviewUnderLoad() throws Exception {
        RunningManagement mgmt = new RunningManagement().start();
        AtomicBoolean running = new AtomicBoolean(true);
        // producer and consumers on connections of their own, as real clients are: flow control pauses a
        // publisher's connection, and acks must not wait behind it
        try (Connection c = mgmt.broker().factory().newConnection();
             Connection consumers = mgmt.broker().factory().newConnection()) {
            Channel consumer = consumers.createChannel();
            for (String q : new String[] {"orders", "payments", "emails"}) {
                consumer.queueDeclare(q, false, false, false, null);
            }
            consumer.basicQos(200);
            consumer.basicConsume("orders", false, (tag, d) ->
                    consumer.basicAck(d.getEnvelope().getDeliveryTag(), false), tag -> { });
            consumer.basicConsume("payments", true, (tag, d) -> { }, tag -> { });
            Thread producer = new Thread(() -> {
                try (Channel ch = c.createChannel()) {
                    ch.confirmSelect();
                    byte[] body = new byte[512];
                    long n = 0;
                    while (running.get()) {
                        ch.basicPublish("", "orders", null, body);
                        ch.basicPublish("", "payments", null, body);
                        // a backlog that grows slowly, so the queued-messages chart moves too
                        if (n++ % 20 == 0) {
                            ch.basicPublish("", "emails", null, body);
                        }
                        if (n % 500 == 0) {
                            ch.waitForConfirmsOrDie(10_000);
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            producer.start();
            ChromeDriver driver = Browser.start(1400, 900);
            try {
                driver.get(mgmt.baseUrl() + "/#/overview");
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-user"))).sendKeys("guest");
                driver.findElement(By.id("login-pass")).sendKeys("guest");
                driver.findElement(By.id("login-submit")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("chart-rates")));
                // let the charts fill: about 40 samples at one every 2 s
                await().pollDelay(Duration.ofSeconds(80)).atMost(Duration.ofSeconds(120)).until(() -> true);
                Path out = Path.of(System.getProperty("warren.screenshot")).toAbsolutePath();
                Files.createDirectories(out.getParent());
                Files.write(out, driver.getScreenshotAs(OutputType.BYTES));
            } finally {
                running.set(false);
                producer.join();
                driver.quit();
            }
        } finally {
            mgmt.close();
        }
    }
}
