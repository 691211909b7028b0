package io.warren.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

class ReplyCodesTest {

    @Test
    void namesMatchRabbitMqStyle() {
        assertEquals("NOT_FOUND", ReplyCodes.name(404));
        assertEquals("FRAME_ERROR", ReplyCodes.name(ReplyCodes.FRAME_ERROR));
        assertEquals("NO_ROUTE", ReplyCodes.name(312));
        assertEquals("UNKNOWN_999", ReplyCodes.name(999));
    }

    @Test
    void exceptionTextIsPrefixedWithTheCodeName() {
        AmqpProtocolException e = AmqpProtocolException.of(ReplyCodes.FRAME_ERROR, "bad frame end");
        assertEquals(501, e.replyCode());
        assertEquals("FRAME_ERROR - bad frame end", e.getMessage());
    }

    @Test
    void unwrapFindsTheProtocolErrorInsideNettysDecoderException() {
        AmqpProtocolException e = new AmqpProtocolException(502, "SYNTAX_ERROR - x");
        assertSame(e, AmqpProtocolException.unwrap(new DecoderException(e)));
        assertSame(e, AmqpProtocolException.unwrap(e));
        assertNull(AmqpProtocolException.unwrap(new DecoderException("other")));
        assertNull(AmqpProtocolException.unwrap(null));
    }
}
