package io.warren.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real file channel that can be made to fail like a full disk (writes go through up to a byte budget, then
 * throw, leaving a partial write behind) or like a broken device (fsync throws). There is no full file system to
 * test against on the build machine, so this seam stands in for one.
 */
final class FaultyChannel extends FileChannel {
    /** Bytes that may still be written; negative means unlimited. */
    final AtomicLong writeBudget = new AtomicLong(-1);
    final AtomicBoolean failForce = new AtomicBoolean();
    /** When set, an fsync waits for it: lets a test pile up appends behind one fsync in progress. */
    volatile CountDownLatch forceGate;
    private final FileChannel delegate;

    FaultyChannel(FileChannel delegate) {
        this.delegate = delegate;
    }

    private int allowed(int wanted) throws IOException {
        long budget = writeBudget.get();
        if (budget < 0) {
            return wanted;
        }
        if (budget == 0) {
            throw new IOException("No space left on device");
        }
        int n = (int) Math.min(budget, wanted);
        writeBudget.addAndGet(-n);
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = allowed(src.remaining());
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + n);
        int written = delegate.write(part);
        src.position(src.position() + written);
        return written;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            while (srcs[i].hasRemaining()) {
                if (total > 0 && writeBudget.get() == 0) {
                    return total; // a short write, as the kernel does before the next call fails
                }
                total += write(srcs[i]);
            }
        }
        return total;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        int n = allowed(src.remaining());
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + n);
        int written = delegate.write(part, position);
        src.position(src.position() + written);
        return written;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        CountDownLatch gate = forceGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
        }
        if (failForce.get()) {
            throw new IOException("Input/output error");
        }
        delegate.force(metaData);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return delegate.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return delegate.read(dst, position);
    }

    @Override
    public long position() throws IOException {
        return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        delegate.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        delegate.truncate(size);
        return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        delegate.close();
    }
}
