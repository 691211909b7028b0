package io.warren.management.http;

import java.io.IOException;
import java.io.OutputStream;

/** A response body written piece by piece to the client; the stream blocks while the client is not reading. */
@FunctionalInterface
public interface StreamedBody {
    void writeTo(OutputStream out) throws IOException;
}
