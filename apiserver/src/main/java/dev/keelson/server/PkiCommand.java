package dev.keelson.server;

import dev.keelson.auth.pki.Kubeconfig;
import dev.keelson.auth.pki.LocalPki;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keelson pki}: the cluster's CA, serving, peer, admin and etcd client certificates, the
 * service-account signing pair, per-master certificates, and the admin's kubeconfig.
 */
@Command(name = "pki", mixinStandardHelpOptions = true,
    description = "Create (or keep) a CA, serving and peer certificates, the admin and etcd "
        + "client certificates and the service-account signing pair in DIR (and per-master "
        + "certificates with --master), and write a kubeconfig for the admin.")
final class PkiCommand implements Callable<Integer> {
  @Option(names = "--dir", required = true, description = "Where the certificates live.")
  Path dir;

  @Option(names = "--ip", description = "An IP address the masters serve on (repeatable).")
  List<String> ips = new ArrayList<>();

  @Option(names = "--dns", description = "A DNS name the masters serve on (repeatable).")
  List<String> dnsNames = new ArrayList<>();

  @Option(names = "--master", paramLabel = "NAME=ADDR[,ADDR...]",
      description = "Also give master NAME its own serving and peer certificates (in DIR/NAME/) "
          + "whose SANs add its addresses, IP literals or DNS names (repeatable).")
  List<String> masters = new ArrayList<>();

  @Option(names = "--kubeconfig", description = "Write a kubeconfig for the admin here.")
  Path kubeconfig;

  @Option(names = "--server", description = "The API URL the kubeconfig points at.",
      defaultValue = "https://127.0.0.1:6443")
  String server;

  @Override
  public Integer call() throws Exception {
    LocalPki pki = LocalPki.ensure(dir, dnsNames, ips);
    for (String m : masters) {
      int eq = m.indexOf('=');
      if (eq <= 0 || eq == m.length() - 1) {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
            "--master must look like NAME=ADDR[,ADDR...], got: " + m);
      }
      pki.ensureMaster(m.substring(0, eq), dnsNames, ips,
          List.of(m.substring(eq + 1).split(",")));
    }
    if (kubeconfig != null) {
      Kubeconfig.write(kubeconfig, Kubeconfig.render("keelson", server,
          pki.ca().certificatePem(), LocalPki.ADMIN_NAME, pki.admin().certificatePem(),
          pki.admin().keyPem()));
    }
    System.out.println("pki in " + dir + (kubeconfig == null ? "" : "; kubeconfig " + kubeconfig));
    return 0;
  }
}
