package dev.keelson.store.mvcc;

import com.google.protobuf.ByteString;

/** Bytewise unsigned order of ByteStrings, the order etcd compares keys and values in. */
final class ByteStrings {
  private ByteStrings() {}

  static int compare(ByteString a, ByteString b) {
    return ByteString.unsignedLexicographicalComparator().compare(a, b);
  }
}
