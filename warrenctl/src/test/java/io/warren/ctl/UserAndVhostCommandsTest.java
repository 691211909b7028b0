package io.warren.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import io.warren.ctl.RunningWarren.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class UserAndVhostCommandsTest {
    @RegisterExtension
    static final RunningWarren warren = new RunningWarren();

    @Test
    void aVhostAUserAndTheirPermissionsShowInTheListingsAndLetTheUserIn() throws Exception {
        warren.ok("add_vhost", "shop", "--description", "the shop", "--tags", "prod,eu");
        warren.ok("add_user", "clerk", "s3cret");
        warren.ok("set_permissions", "-p", "shop", "clerk", "^clerk-.*", ".*", ".*");

        Result vhosts = warren.ok("-q", "list_vhosts", "name", "description", "tags");
        assertTrue(vhosts.lines().contains("shop\tthe shop\t[prod, eu]"), vhosts::toString);
        assertEquals("name\tdescription\ttags", vhosts.lines().get(0), "quiet keeps the header line");

        Result users = warren.ok("list_users");
        assertEquals("Listing users ...", users.lines().get(0));
        assertEquals("user\ttags", users.lines().get(1));
        assertTrue(users.lines().contains("clerk\t[]"), users::toString);
        assertTrue(users.lines().contains("guest\t[administrator]"), users::toString);

        Result perms = warren.ok("list_permissions", "-p", "shop");
        assertEquals("Listing permissions for vhost \"shop\" ...", perms.lines().get(0));
        assertEquals("user\tconfigure\twrite\tread", perms.lines().get(1));
        assertTrue(perms.lines().contains("clerk\t^clerk-.*\t.*\t.*"), perms::toString);

        Result mine = warren.ok("-s", "list_user_permissions", "clerk");
        assertEquals(java.util.List.of("shop\t^clerk-.*\t.*\t.*"), mine.lines());

        try (Connection c = warren.connect("clerk", "s3cret", "shop")) {
            assertTrue(c.isOpen());
        }
    }

    @Test
    void tagsAndANewPasswordTakeEffectAndTheOldPasswordNoLongerWorks() throws Exception {
        warren.ok("add_user", "ops", "first");
        warren.ok("set_permissions", "ops", ".*", ".*", ".*");
        warren.ok("set_user_tags", "ops", "monitoring", "policymaker");
        Result users = warren.ok("-s", "list_users");
        assertTrue(users.lines().contains("ops\t[monitoring, policymaker]"), users::toString);
        try (Connection c = warren.connect("ops", "first", "/")) {
            assertTrue(c.isOpen(), "setting tags keeps the password");
        }

        warren.ok("change_password", "ops", "second");
        assertTrue(warren.ok("-s", "list_users").lines().contains("ops\t[monitoring, policymaker]"),
                "changing the password keeps the tags");
        try (Connection c = warren.connect("ops", "second", "/")) {
            assertTrue(c.isOpen());
        }
        assertThrows(Exception.class, () -> warren.connect("ops", "first", "/").close());

        warren.ok("set_user_tags", "ops");
        assertTrue(warren.ok("-s", "list_users").lines().contains("ops\t[]"), "no tags clears them");
    }

    @Test
    void deletingAUserTwiceSaysThereIsNoSuchUserWithExitCode67() {
        warren.ok("add_user", "temp", "pw");
        warren.ok("delete_user", "temp");
        assertFalse(warren.ok("-s", "list_users").out().contains("temp\t"));
        Result again = warren.ctl("delete_user", "temp");
        assertEquals(ExitCodes.NO_USER, again.exitCode(), again::toString);
        assertTrue(again.err().contains("no such user 'temp'"), again::toString);
        Result perms = warren.ctl("set_permissions", "nobody", ".*", ".*", ".*");
        assertEquals(ExitCodes.NO_USER, perms.exitCode(), perms::toString);
    }

    @Test
    void addingAUserThatExistsIsADataErrorAndLeavesItsPasswordAlone() throws Exception {
        warren.ok("add_user", "twice", "original");
        warren.ok("set_permissions", "twice", ".*", ".*", ".*");
        Result r = warren.ctl("add_user", "twice", "other");
        assertEquals(ExitCodes.DATA_ERROR, r.exitCode(), r::toString);
        assertTrue(r.err().contains("already exists"), r::toString);
        try (Connection c = warren.connect("twice", "original", "/")) {
            assertTrue(c.isOpen());
        }
    }

    @Test
    void aDeletedVhostIsGoneAndDeletingItAgainOrUsingItIsADataError() {
        warren.ok("add_vhost", "scratch");
        assertTrue(warren.ok("-s", "list_vhosts").lines().contains("scratch"));
        warren.ok("delete_vhost", "scratch");
        assertFalse(warren.ok("-s", "list_vhosts").lines().contains("scratch"));
        assertEquals(ExitCodes.DATA_ERROR, warren.ctl("delete_vhost", "scratch").exitCode());
        Result list = warren.ctl("list_queues", "-p", "scratch");
        assertEquals(ExitCodes.DATA_ERROR, list.exitCode(), list::toString);
        Result perms = warren.ctl("set_permissions", "-p", "scratch", "guest", ".*", ".*", ".*");
        assertEquals(ExitCodes.DATA_ERROR, perms.exitCode(), perms::toString);
        assertTrue(perms.err().contains("no such vhost 'scratch'"), perms::toString);
    }

    @Test
    void aPolicyIsSetListedAndCleared() {
        warren.ok("set_policy", "--priority", "5", "--apply-to", "queues", "cap", "^capped\\.", "{\"max-length\": 10}");
        Result list = warren.ok("list_policies");
        assertEquals("Listing policies for vhost \"/\" ...", list.lines().get(0));
        assertEquals("vhost\tname\tpattern\tapply-to\tdefinition\tpriority", list.lines().get(1));
        assertTrue(list.lines().contains("/\tcap\t^capped\\.\tqueues\t{\"max-length\":10}\t5"), list::toString);
        warren.ok("clear_policy", "cap");
        assertFalse(warren.ok("-s", "list_policies").out().contains("cap"));
        Result again = warren.ctl("clear_policy", "cap");
        assertEquals(ExitCodes.DATA_ERROR, again.exitCode(), again::toString);
        Result bad = warren.ctl("set_policy", "broken", ".*", "{max-length: 10");
        assertEquals(ExitCodes.DATA_ERROR, bad.exitCode(), bad::toString);
        assertTrue(bad.err().contains("not JSON"), bad::toString);
    }
}
