package dev.keelson.admission;

import dev.keelson.admission.plugins.LimitRanger;
import dev.keelson.admission.plugins.NamespaceLifecycle;
import dev.keelson.admission.plugins.PodSecurity;
import dev.keelson.admission.plugins.ServiceAccountAdmission;
import dev.keelson.admission.policy.ValidatingPolicies;
import dev.keelson.admission.quota.ResourceQuotaAdmission;
import dev.keelson.admission.webhook.Webhooks;
import java.util.List;

/**
 * The admission chain every master runs, in kube-apiserver's default order: mutating
 * (LimitRanger, ServiceAccount, then the mutating webhooks, reinvoked as configured), then after
 * the object's validation the validating plugins (NamespaceLifecycle, LimitRanger,
 * ServiceAccount, PodSecurity, ValidatingAdmissionPolicy, the validating webhooks, and
 * ResourceQuota last, so that only a write every other plugin admitted is charged).
 */
public final class StandardChain {
  private StandardChain() {}

  /**
   * The chain over {@code reader}; {@code policies} and {@code webhooks} hold the dynamic
   * configuration (their {@code update} methods replace it while the chain runs).
   */
  public static AdmissionChain of(ObjectReader reader, ValidatingPolicies policies,
      Webhooks webhooks) {
    ServiceAccountAdmission accounts = new ServiceAccountAdmission(reader);
    LimitRanger limits = new LimitRanger(reader);
    return new AdmissionChain(List.of(limits, accounts, webhooks),
        List.of(new NamespaceLifecycle(reader), limits, accounts, new PodSecurity(reader),
            policies, webhooks, new ResourceQuotaAdmission(reader)));
  }
}
