package io.warren.management.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.warren.broker.admin.ClusterNodeView;
import io.warren.broker.admin.ClusterView;
import io.warren.broker.admin.ListenerView;
import io.warren.broker.admin.MessageTotalsView;
import io.warren.broker.admin.NodeStatusView;
import io.warren.management.RunningManagement;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;

/**
 * The console of a node in a three-node cluster (the other two as this node's status reports show them: one
 * running with an alarm, one gone silent) lists every member on its overview and node pages.
 */
class ConsoleClusterBrowserTest {
    private static final String SELF = "nodea";

    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement().withCluster(new ThreeNodes());

    private static ConsoleSession console;

    /** This node, nodeb (running, memory alarm on) and nodec (not heard from lately). */
    private static final class ThreeNodes implements ClusterView {
        @Override
        public String nodeName() {
            return SELF;
        }

        @Override
        public boolean clustered() {
            return true;
        }

        @Override
        public List<ClusterNodeView> nodes() {
            return List.of(new ClusterNodeView(SELF, "127.0.0.1:1", "leader", true, true),
                    new ClusterNodeView("nodeb", "127.0.0.1:2", "follower", false, true),
                    new ClusterNodeView("nodec", "127.0.0.1:3", "follower", false, false));
        }

        @Override
        public List<NodeStatusView> otherNodes() {
            return List.of(new NodeStatusView("nodeb", true, 300, 3_723_000, 300L << 20, 1L << 30, 50L << 30,
                            50L << 20, List.of("memory"), 80, 1024, 2, 3, 4, 5, 6, "1.2.3", "17.0.9",
                            List.of(new ListenerView("amqp", "127.0.0.1", 5999)), MessageTotalsView.ZERO),
                    new NodeStatusView("nodec", false, 9_000, 0, 0, 0, -1, 0, List.of(), -1, -1, 0, 0, 0, 0, 0, "",
                            "", List.of(), MessageTotalsView.ZERO));
        }

        @Override
        public String queueNode(String vhost, String queue) {
            return SELF;
        }

        @Override
        public void addNode(String name, String address) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void removeNode(String name) {
            throw new UnsupportedOperationException();
        }
    }

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

    @Test
    void theOverviewListsEveryNodeWithItsStateAndAlarms() {
        By row = By.cssSelector("#overview-nodes #nodes-table tr[data-name='" + SELF + "']");
        shows(row, r -> r.contains("running"));
        shows(By.cssSelector("#overview-nodes #nodes-table tr[data-name='nodeb']"), b -> b.contains("running")
                && b.contains("300.0 MiB of 1.0 GiB") && b.contains("1h 2m") && b.endsWith("memory"));
        shows(By.cssSelector("#overview-nodes #nodes-table tr[data-name='nodec']"), c -> c.contains("stopped"));
        shows(By.id("tile-alarms"), a -> a.contains("memory on nodeb"));
    }

    /** Waits until the element's text passes the check; the page re-renders as it refreshes, so reads retry. */
    private static void shows(By by, Predicate<String> check) {
        console.wait.ignoring(StaleElementReferenceException.class)
                .until(d -> check.test(d.findElement(by).getText()));
    }

    @Test
    void theNodePageListsTheMembersAndShowsAnotherNodeFromItsReport() {
        console.go("#/node");
        shows(By.id("node-name"), SELF::equals);
        assertEquals(3, console.driver.findElements(By.cssSelector("#nodes-table tbody tr")).size());
        console.driver.findElement(By.cssSelector("#nodes-table tr[data-name='nodeb'] a")).click();
        shows(By.id("node-name"), "nodeb"::equals);
        shows(By.id("node-mem"), m -> m.startsWith("300.0 MiB of 1.0 GiB") && m.contains("ALARM"));
        shows(By.id("node-version"), "1.2.3"::equals);
        shows(By.cssSelector("#listeners-table tr[data-name='amqp']"), l -> l.endsWith("5999"));

        console.go("#/node/nodec");
        shows(By.id("node-name"), "nodec"::equals);
        shows(By.cssSelector("#view h1"), h -> h.endsWith("stopped"));
    }
}
