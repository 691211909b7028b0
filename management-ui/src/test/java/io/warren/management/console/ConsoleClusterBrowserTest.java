package io.warren.management.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.broker.admin.ClusterNodeView;
import io.warren.broker.admin.ClusterView;
import io.warren.broker.admin.ListenerView;
import io.warren.broker.admin.MessageTotalsView;
import io.warren.broker.admin.NodeStatusView;
import io.warren.management.RunningManagement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

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

    private static String row(String node) {
        return console.visible(By.cssSelector("#nodes-table tr[data-name='" + node + "']")).getText();
    }

    @Test
    void theOverviewListsEveryNodeWithItsStateAndAlarms() {
        console.visible(By.cssSelector("#overview-nodes #nodes-table"));
        assertTrue(row(SELF).contains("running"), row(SELF));
        String b = row("nodeb");
        assertTrue(b.contains("running") && b.contains("300.0 MiB of 1.0 GiB") && b.contains("1h 2m")
                && b.endsWith("memory"), b);
        assertTrue(row("nodec").contains("stopped"), row("nodec"));
        assertTrue(console.driver.findElement(By.id("tile-alarms")).getText().contains("memory on nodeb"));
    }

    @Test
    void theNodePageListsTheMembersAndShowsAnotherNodeFromItsReport() {
        console.go("#/node");
        console.wait.until(d -> d.findElement(By.id("node-name")).getText().equals(SELF));
        assertEquals(3, console.driver.findElements(By.cssSelector("#nodes-table tbody tr")).size());
        WebElement link = console.driver.findElement(By.cssSelector("#nodes-table tr[data-name='nodeb'] a"));
        link.click();
        console.wait.until(d -> d.findElement(By.id("node-name")).getText().equals("nodeb"));
        String memory = console.driver.findElement(By.id("node-mem")).getText();
        assertTrue(memory.startsWith("300.0 MiB of 1.0 GiB") && memory.contains("ALARM"), memory);
        assertEquals("1.2.3", console.driver.findElement(By.id("node-version")).getText());
        assertTrue(console.driver.findElement(By.cssSelector("#listeners-table tr[data-name='amqp']")).getText()
                .endsWith("5999"));

        console.go("#/node/nodec");
        console.wait.until(d -> d.findElement(By.id("node-name")).getText().equals("nodec"));
        assertTrue(console.driver.findElement(By.cssSelector("#view h1")).getText().endsWith("stopped"));
    }
}
