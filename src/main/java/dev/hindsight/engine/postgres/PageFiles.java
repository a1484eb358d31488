package dev.hindsight.engine.postgres;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.regex.Pattern;

/**
 * Which files of a data directory are made of PostgreSQL pages whose header starts with the
 * page LSN: the main, visibility-map and free-space-map forks of relations (every segment).
 * Everything else (SLRUs, pg_control, the relation map, init forks) is small or laid out
 * otherwise, and a differential stores it whole.
 */
final class PageFiles {
    private static final VarHandle NATIVE_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.nativeOrder());
    private static final Pattern RELATION = Pattern.compile("(base/\\d+|global)/\\d+(_vm|_fsm)?(\\.\\d+)?");

    private PageFiles() {
    }

    static boolean isPageFile(String path) {
        return RELATION.matcher(path).matches();
    }

    /**
     * The LSN in the header of the page at {@code offset}: pd_lsn, two 32-bit halves (high
     * first), each in the byte order of the machine the server runs on, which is this one.
     */
    static long pageLsn(byte[] page, int offset) {
        return Integer.toUnsignedLong((int) NATIVE_INT.get(page, offset)) << 32
                | Integer.toUnsignedLong((int) NATIVE_INT.get(page, offset + 4));
    }
}
