package dev.hindsight.util;

import java.lang.management.ManagementFactory;

/** The memory of the machine (or the container's limit, which the JDK reads from its cgroup). */
public final class MachineMemory {
    private MachineMemory() {
    }

    public static long totalBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory() * 4; // a JVM without the extension: its heap limit is a quarter by default
    }
}
