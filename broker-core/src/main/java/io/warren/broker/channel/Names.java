package io.warren.broker.channel;

/**
 * Queue and exchange names as a client sends them. RabbitMQ drops carriage returns and line feeds from the names
 * of queue.declare, queue.delete, queue.bind, queue.unbind, exchange.declare, exchange.delete, exchange.bind and
 * exchange.unbind (not of basic.publish, basic.consume, basic.get or queue.purge), so Warren strips them there too.
 */
final class Names {
    private Names() {
    }

    /** The name without any CR or LF; the same instance when it has none, which is nearly always. */
    static String strip(String name) {
        if (name.indexOf('\r') < 0 && name.indexOf('\n') < 0) {
            return name;
        }
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '\r' && c != '\n') {
                b.append(c);
            }
        }
        return b.toString();
    }
}
