package io.warren.broker;

import io.warren.broker.alarm.MemoryWatermark;
import io.warren.broker.channel.ConsumerTimeoutSettings;
import io.warren.broker.queue.QueueWindow;
import io.warren.store.StoreSettings;
import io.warren.broker.tls.TlsSettings;
import java.nio.file.Path;

/**
 * What a broker is started with.
 *
 * @param amqpPort       plain AMQP listener port; 0 picks a free one (tests), -1 turns the plain listener off
 * @param bindAddress    address to listen on
 * @param dataDir        where data lives
 * @param heartbeat      heartbeat interval offered to clients, in seconds (0 = off)
 * @param frameMax       largest frame offered to clients, in bytes
 * @param channelMax     most channels per connection offered to clients
 * @param maxMessageSize largest message body accepted, in bytes
 * @param defaultUser    user created at start-up with full rights on "/" (null for none)
 * @param defaultPass    its password
 * @param loopbackUsers  whether the default user may only connect from loopback, like RabbitMQ's guest
 * @param memoryHighWatermark publishers are blocked while the memory the broker holds (heap after the last
 *                       collection plus direct memory) is above this: a fraction of max heap plus max direct
 *                       memory, or an absolute size
 * @param diskFreeLimit  publishers are blocked while fewer bytes than this are free under dataDir
 * @param store          the message store's group commit and segment settings
 * @param queueWindow    how many ready messages each queue keeps in memory before the rest wait on disk
 * @param amqpsPort      AMQP over TLS listener port; 0 picks a free one (tests), -1 for none
 * @param tls            certificates and peer verification for the TLS listeners (null: no TLS)
 * @param consumerTimeout the broker-wide delivery acknowledgement timeout (RabbitMQ's consumer_timeout)
 */
public record BrokerConfig(int amqpPort, String bindAddress, Path dataDir, int heartbeat, int frameMax,
                           int channelMax, long maxMessageSize, String defaultUser, String defaultPass,
                           boolean loopbackUsers, MemoryWatermark memoryHighWatermark, long diskFreeLimit,
                           StoreSettings store, QueueWindow queueWindow, int amqpsPort,
                           TlsSettings tls, ConsumerTimeoutSettings consumerTimeout) {

    public static BrokerConfig defaults() {
        return new BrokerConfig(5672, "0.0.0.0", Path.of("data"), 60, 131072, 2047, 128L * 1024 * 1024,
                "guest", "guest", true, MemoryWatermark.relative(0.4), 50_000_000L, StoreSettings.defaults(),
                QueueWindow.defaults(), -1, null, ConsumerTimeoutSettings.defaults());
    }

    public BrokerConfig withAmqpPort(int port) {
        return new BrokerConfig(port, bindAddress, dataDir, heartbeat, frameMax, channelMax, maxMessageSize,
                defaultUser, defaultPass, loopbackUsers, memoryHighWatermark, diskFreeLimit, store, queueWindow,
                amqpsPort, tls, consumerTimeout);
    }

    public BrokerConfig withBindAddress(String address) {
        return new BrokerConfig(amqpPort, address, dataDir, heartbeat, frameMax, channelMax, maxMessageSize,
                defaultUser, defaultPass, loopbackUsers, memoryHighWatermark, diskFreeLimit, store, queueWindow,
                amqpsPort, tls, consumerTimeout);
    }

    public BrokerConfig withDataDir(Path dir) {
        return new BrokerConfig(amqpPort, bindAddress, dir, heartbeat, frameMax, channelMax, maxMessageSize,
                defaultUser, defaultPass, loopbackUsers, memoryHighWatermark, diskFreeLimit, store, queueWindow,
                amqpsPort, tls, consumerTimeout);
    }

    public BrokerConfig withHeartbeat(int seconds) {
        return new BrokerConfig(amqpPort, bindAddress, dataDir, seconds, frameMax, channelMax, maxMessageSize,
                defaultUser, defaultPass, loopbackUsers, memoryHighWatermark, diskFreeLimit, store, queueWindow,
                amqpsPort, tls, consumerTimeout);
    }

    public BrokerConfig withFrameMax(int bytes) {
        return new BrokerConfig(amqpPort, bindAddress, dataDir, heartbeat, bytes, channelMax, maxMessageSize,
                defaultUser, defaultPass, loopbackUsers, memoryHighWatermark, diskFreeLimit, store, queueWindow,
                amqpsPort, tls, consumerTimeout);
    }

    public BrokerConfig withMemoryHighWatermark(MemoryWatermark watermark) {
        return new BrokerConfig(amqpPort, bindAddress, dataDir, heartbeat, frameMax, channelMax, maxMessageSize,
                defaultUser, defaultPass, loopbackUsers, watermark, diskFreeLimit, store, queueWindow,
                amqpsPort, tls, consumerTimeout);
    }

    public BrokerConfig withDiskFreeLimit(long bytes) {
        return new BrokerConfig(amqpPort, bindAddress, dataDir, heartbeat, frameMax, channelMax, maxMessageSize,
                defaultUser, defaultPass, loopbackUsers, memoryHighWatermark, bytes, store, queueWindow,
                amqpsPort, tls, consumerTimeout);
    }

    public BrokerConfig withStore(StoreSettings settings) {
        return new BrokerConfig(amqpPort, bindAddress, dataDir, heartbeat, frameMax, channelMax, maxMessageSize,
                defaultUser, defaultPass, loopbackUsers, memoryHighWatermark, diskFreeLimit, settings,
                queueWindow, amqpsPort, tls, consumerTimeout);
    }

    public BrokerConfig withQueueWindow(QueueWindow window) {
        return new BrokerConfig(amqpPort, bindAddress, dataDir, heartbeat, frameMax, channelMax, maxMessageSize,
                defaultUser, defaultPass, loopbackUsers, memoryHighWatermark, diskFreeLimit, store, window,
                amqpsPort, tls, consumerTimeout);
    }

    /** Adds an AMQPS listener on this port (5671 by default in RabbitMQ) with these certificates. */
    public BrokerConfig withTls(int port, TlsSettings settings) {
        return new BrokerConfig(amqpPort, bindAddress, dataDir, heartbeat, frameMax, channelMax, maxMessageSize,
                defaultUser, defaultPass, loopbackUsers, memoryHighWatermark, diskFreeLimit, store, queueWindow,
                port, settings, consumerTimeout);
    }

    /** The broker-wide delivery acknowledgement timeout and how often it is checked. */
    public BrokerConfig withConsumerTimeout(ConsumerTimeoutSettings settings) {
        return new BrokerConfig(amqpPort, bindAddress, dataDir, heartbeat, frameMax, channelMax, maxMessageSize,
                defaultUser, defaultPass, loopbackUsers, memoryHighWatermark, diskFreeLimit, store, queueWindow,
                amqpsPort, tls, settings);
    }
}
