package io.warren.management.console;

import io.warren.management.ExternalTool;
import io.warren.management.RunningManagement;
import java.io.IOException;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A headless Chromium logged in to the console of a running broker, with the few moves the browser tests share. */
final class ConsoleSession implements AutoCloseable {
    final ChromeDriver driver;
    final WebDriverWait wait;
    private final RunningManagement mgmt;

    private ConsoleSession(RunningManagement mgmt, ChromeDriver driver) {
        this.mgmt = mgmt;
        this.driver = driver;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    /** Starts the browser, or skips (fails, under WARREN_REQUIRE_TOOLS) where Chromium is not installed. */
    static ConsoleSession start(RunningManagement mgmt) throws IOException {
        ExternalTool.require(Browser.available(), "chromium and chromedriver are not installed (.ci/run installs them)");
        return new ConsoleSession(mgmt, Browser.start(1400, 1000));
    }

    /** A fresh page without a session (same-document hash changes would not reload it), logged in as guest. */
    void freshLogin() {
        driver.get(mgmt.baseUrl() + "/");
        script("sessionStorage.clear(); location.hash = '#/overview'");
        driver.navigate().refresh();
        logIn("guest", "guest");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("tile-queues")));
    }

    void logIn(String user, String password) {
        WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-user")));
        name.clear();
        name.sendKeys(user);
        driver.findElement(By.id("login-pass")).clear();
        driver.findElement(By.id("login-pass")).sendKeys(password);
        driver.findElement(By.id("login-submit")).click();
    }

    void go(String hash) {
        driver.get(mgmt.baseUrl() + "/" + hash);
    }

    String flash() {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("flash"))).getText();
    }

    WebElement visible(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
