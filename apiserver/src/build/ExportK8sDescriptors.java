// Build-time tool (run by the source launcher, see apiserver/pom.xml): writes the protobuf schema
// of Kubernetes' built-in types as one FileDescriptorSet. The schemas come from Maven Central's
// io.kubernetes:client-java-proto, whose classes need protobuf-java 4 while Keelson runs on
// protobuf-java 3 (gRPC's); so this runs in its own JVM with those two jars only, and the server
// reads the descriptor set with its own runtime. Reflection only: nothing here is compiled into
// the server.
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

public class ExportK8sDescriptors {
  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    Deque<Object> todo = new ArrayDeque<>();
    for (String outer : args[1].split(",")) {
      todo.add(Class.forName("io.kubernetes.client.proto." + outer)
          .getMethod("getDescriptor").invoke(null));
    }
    Class<?> fileDescriptor = Class.forName("com.google.protobuf.Descriptors$FileDescriptor");
    Method name = fileDescriptor.getMethod("getName");
    Method deps = fileDescriptor.getMethod("getDependencies");
    Method toProto = fileDescriptor.getMethod("toProto");
    Set<String> seen = new HashSet<>();
    List<Object> files = new ArrayList<>();
    while (!todo.isEmpty()) {
      Object f = todo.poll();
      if (seen.add((String) name.invoke(f))) {
        files.add(f);
        for (Object d : (List<?>) deps.invoke(f)) {
          todo.add(d);
        }
      }
    }
    Collections.reverse(files); // dependencies before their dependents
    Class<?> setClass = Class.forName("com.google.protobuf.DescriptorProtos$FileDescriptorSet");
    Object builder = setClass.getMethod("newBuilder").invoke(null);
    Class<?> fileProto = Class.forName("com.google.protobuf.DescriptorProtos$FileDescriptorProto");
    Method addFile = builder.getClass().getMethod("addFile", fileProto);
    for (Object f : files) {
      addFile.invoke(builder, toProto.invoke(f));
    }
    Object set = builder.getClass().getMethod("build").invoke(builder);
    Files.createDirectories(out.getParent());
    Files.write(out, (byte[]) set.getClass().getMethod("toByteArray").invoke(set));
    System.out.println("wrote " + files.size() + " Kubernetes proto files to " + out);
  }
}
