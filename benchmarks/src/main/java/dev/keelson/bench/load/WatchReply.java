package dev.keelson.bench.load;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.keelson.etcd.etcdserverpb.WatchGrpc;
import dev.keelson.etcd.etcdserverpb.WatchRequest;
import dev.keelson.etcd.etcdserverpb.WatchResponse;
import dev.keelson.etcd.mvccpb.Event;
import dev.keelson.etcd.mvccpb.KeyValue;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What the load tool needs of a {@link WatchResponse}, read straight from its bytes: the watch
 * id, the created and canceled flags, and per event its revision and whether its key is under
 * the measured prefix. Values, prev_kv and the header are skipped, not parsed: with 1,000
 * watchers the tool receives a million events a second on the machine it measures, and a full
 * parse (a KeyValue and a copy of each value per event) took most of a core of it.
 *
 * @param revisions each event's kv.mod_revision, in order
 * @param measured for each event, whether its key starts with the measured prefix
 */
record WatchReply(long watchId, boolean created, boolean canceled, long[] revisions,
    boolean[] measured) {

  private static final int WATCH_ID = WatchResponse.WATCH_ID_FIELD_NUMBER;
  private static final int CREATED = WatchResponse.CREATED_FIELD_NUMBER;
  private static final int CANCELED = WatchResponse.CANCELED_FIELD_NUMBER;
  private static final int EVENTS = WatchResponse.EVENTS_FIELD_NUMBER;
  private static final int EVENT_KV = Event.KV_FIELD_NUMBER;
  private static final int KV_KEY = KeyValue.KEY_FIELD_NUMBER;
  private static final int KV_MOD_REVISION = KeyValue.MOD_REVISION_FIELD_NUMBER;

  int events() {
    return revisions.length;
  }

  /** etcd's Watch method, its replies read as {@link WatchReply} with this measured prefix. */
  static MethodDescriptor<WatchRequest, WatchReply> method(ByteString measuredPrefix) {
    return WatchGrpc.getWatchMethod().toBuilder(
        ProtoUtils.marshaller(WatchRequest.getDefaultInstance()),
        new Marshaller(measuredPrefix.toByteArray()))
        .build();
  }

  /** Reads one encoded WatchResponse. */
  static WatchReply parse(CodedInputStream in, byte[] measuredPrefix) throws IOException {
    long watchId = 0;
    boolean created = false;
    boolean canceled = false;
    long[] revisions = new long[4];
    boolean[] measured = new boolean[4];
    int n = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (field == WATCH_ID && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
        watchId = in.readInt64();
      } else if (field == CREATED && isVarint(tag)) {
        created = in.readBool();
      } else if (field == CANCELED && isVarint(tag)) {
        canceled = in.readBool();
      } else if (field == EVENTS && isDelimited(tag)) {
        if (n == revisions.length) {
          revisions = Arrays.copyOf(revisions, 2 * n);
          measured = Arrays.copyOf(measured, 2 * n);
        }
        int eventLimit = in.pushLimit(in.readRawVarint32());
        long revision = 0;
        boolean underPrefix = false;
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
          if (WireFormat.getTagFieldNumber(t) == EVENT_KV && isDelimited(t)) {
            int kvLimit = in.pushLimit(in.readRawVarint32());
            for (int k = in.readTag(); k != 0; k = in.readTag()) {
              int f = WireFormat.getTagFieldNumber(k);
              if (f == KV_KEY && isDelimited(k)) {
                underPrefix = startsWith(in.readByteBuffer(), measuredPrefix);
              } else if (f == KV_MOD_REVISION && isVarint(k)) {
                revision = in.readInt64();
              } else {
                in.skipField(k);
              }
            }
            in.popLimit(kvLimit);
          } else {
            in.skipField(t);
          }
        }
        in.popLimit(eventLimit);
        revisions[n] = revision;
        measured[n] = underPrefix;
        n++;
      } else {
        in.skipField(tag);
      }
    }
    return new WatchReply(watchId, created, canceled, Arrays.copyOf(revisions, n),
        Arrays.copyOf(measured, n));
  }

  /** Whether {@code key} (aliasing the response's bytes where it can) starts with prefix. */
  private static boolean startsWith(ByteBuffer key, byte[] prefix) {
    if (key.remaining() < prefix.length) {
      return false;
    }
    if (key.hasArray()) {
      int at = key.arrayOffset() + key.position();
      return Arrays.equals(key.array(), at, at + prefix.length, prefix, 0, prefix.length);
    }
    for (int i = 0; i < prefix.length; i++) {
      if (key.get(key.position() + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean isVarint(int tag) {
    return WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT;
  }

  private static boolean isDelimited(int tag) {
    return WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
  }

  /** Client side only: the tool never sends a WatchReply. */
  private static final class Marshaller implements MethodDescriptor.Marshaller<WatchReply> {
    private final byte[] measuredPrefix;

    Marshaller(byte[] measuredPrefix) {
      this.measuredPrefix = measuredPrefix;
    }

    @Override
    public InputStream stream(WatchReply value) {
      throw new UnsupportedOperationException("the load tool only reads watch replies");
    }

    @Override
    public WatchReply parse(InputStream stream) {
      try {
        // the whole message in one array: the array decoder is faster than the stream one, and
        // with aliasing on, keys are read in place instead of copied
        CodedInputStream in = CodedInputStream.newInstance(readAll(stream));
        in.enableAliasing(true);
        return WatchReply.parse(in, measuredPrefix);
      } catch (IOException e) {
        throw new UncheckedIOException("malformed WatchResponse", e);
      }
    }

    /** The message's bytes: gRPC's message streams know their length, so one exact array. */
    private static byte[] readAll(InputStream stream) throws IOException {
      if (!(stream instanceof KnownLength)) {
        return stream.readAllBytes();
      }
      byte[] bytes = new byte[stream.available()];
      if (stream.readNBytes(bytes, 0, bytes.length) != bytes.length) {
        throw new EOFException("WatchResponse shorter than its length");
      }
      return bytes;
    }
  }
}
