package io.warren.management.api;

import com.rabbitmq.client.AMQP;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Messages as RabbitMQ dead-letters them, published by hand while Warren does not dead-letter yet. */
public final class MoveAndRedriveTestSupport {
    private MoveAndRedriveTestSupport() {
    }

    /** A dead-lettered message as RabbitMQ marks it: x-death, a list of tables, the latest death first. */
    public static AMQP.BasicProperties deadLettered(String queue) {
        Map<String, Object> death = new LinkedHashMap<>();
        death.put("count", 1L);
        death.put("reason", "rejected");
        death.put("queue", queue);
        death.put("time", new Date());
        death.put("exchange", "");
        death.put("routing-keys", List.of(queue));
        List<Object> deaths = new ArrayList<>();
        deaths.add(death);
        return new AMQP.BasicProperties.Builder().headers(Map.of("x-death", deaths)).build();
    }

}
