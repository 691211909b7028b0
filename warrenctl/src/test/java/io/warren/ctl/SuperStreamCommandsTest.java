package io.warren.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.ctl.RunningWarren.Result;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SuperStreamCommandsTest {
    @RegisterExtension
    static final RunningWarren warren = new RunningWarren();

    @Test
    void addSuperStreamMakesTheExchangeAndPartitionsAndDeleteSuperStreamRemovesThem() throws Exception {
        Result added = warren.ok("add_super_stream", "invoices", "--partitions", "3", "--max-age", "7D",
                "--max-length-bytes", "10000000");
        assertEquals("Adding super stream 'invoices' to vhost '/' ...", added.lines().get(0));
        try (Connection c = warren.connect(); Channel ch = c.createChannel()) {
            ch.exchangeDeclarePassive("invoices");
            for (int i = 0; i < 3; i++) {
                ch.queueDeclarePassive("invoices-" + i);
            }
        }

        warren.ok("delete_super_stream", "invoices");
        try (Connection c = warren.connect()) {
            assertThrows(IOException.class, () -> c.createChannel().exchangeDeclarePassive("invoices"));
            assertThrows(IOException.class, () -> c.createChannel().queueDeclarePassive("invoices-0"));
        }
        Result missing = warren.ctl("delete_super_stream", "invoices");
        assertEquals(ExitCodes.DATA_ERROR, missing.exitCode(), missing::toString);
        assertTrue(missing.err().contains("no super stream 'invoices' in vhost '/'"), missing::toString);
    }

    @Test
    void addSuperStreamWithoutAUsablePartitionCountSaysWhatItNeeds() {
        Result none = warren.ctl("add_super_stream", "ledger");
        assertEquals(ExitCodes.USAGE, none.exitCode(), none::toString);
        assertTrue(none.err().contains("add_super_stream needs --partitions <n>"), none::toString);

        Result word = warren.ctl("add_super_stream", "ledger", "--partitions", "many");
        assertEquals(ExitCodes.USAGE, word.exitCode(), word::toString);
        assertTrue(word.err().contains("--partitions must be a whole number, not 'many'"), word::toString);

        Result zero = warren.ctl("add_super_stream", "ledger", "--partitions", "0");
        assertEquals(ExitCodes.DATA_ERROR, zero.exitCode(), zero::toString);
        assertTrue(zero.err().contains("a super stream has 1 to 1000 partitions, not 0"), zero::toString);
    }
}
