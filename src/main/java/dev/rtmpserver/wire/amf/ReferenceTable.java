package dev.rtmpserver.wire.amf;

import dev.rtmpserver.wire.ProtocolException;
import java.util.Arrays;

/**
 * The complex values of one message in the order they began, so that a reference can be resolved by
 * index. A slot is reserved when a container starts (the specifications number a container before
 * its members) and filled when it ends.
 *
 * <p>A reference to a container that is still being decoded is rejected: it would build a cyclic
 * graph of plain Maps and Lists whose equals, hashCode and toString never terminate, and no RTMP
 * command needs one.
 */
final class ReferenceTable {
    private static final long IN_PROGRESS = -1;

    private final String kind;
    private Object[] values = new Object[8];
    /** How many values each entry stands for, charged to the cursor's budget on every reference. */
    private long[] weights = new long[8];
    private int size;

    ReferenceTable(String kind) {
        this.kind = kind;
    }

    int reserve() {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
            weights = Arrays.copyOf(weights, size * 2);
        }
        weights[size] = IN_PROGRESS;
        return size++;
    }

    void complete(int index, Object value, long weight) {
        values[index] = value;
        weights[index] = weight;
    }

    void addLeaf(Object value) {
        complete(reserve(), value, 1);
    }

    Object resolve(long index, AmfCursor in) throws ProtocolException {
        if (index < 0 || index >= size) {
            throw in.fail(kind + " reference " + index + " out of range, " + size + " entries so far");
        }
        long weight = weights[(int) index];
        if (weight == IN_PROGRESS) {
            throw in.fail(kind + " reference " + index + " points into itself; cyclic values are not supported");
        }
        in.countReferenced(weight);
        return values[(int) index];
    }
}
