package io.warren.broker;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Netty's ByteBuf leak reports, collected for a test to assert on. The detector factory must be installed before any
 * buffer class loads, so each leak test runs in a JVM of its own (broker-core's leak-tests execution) and installs
 * it from its first static field.
 */
public final class LeakReports {
    private static final List<String> REPORTS = new CopyOnWriteArrayList<>();

    private LeakReports() {
    }

    /** Turns paranoid leak detection on and returns the list the leaks are reported into. */
    public static List<String> install() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                       long maxActive) {
                return new ResourceLeakDetector<T>(resource, samplingInterval, maxActive) {
                    @Override
                    protected void reportTracedLeak(String resourceType, String records) {
                        REPORTS.add(resourceType + records);
                    }

                    @Override
                    protected void reportUntracedLeak(String resourceType) {
                        REPORTS.add(resourceType);
                    }
                };
            }
        });
        return REPORTS;
    }
}
