package dev.keelson.admission;

/**
 * A validating plugin whose decision rests on objects it guards with companion writes (see
 * {@link AdmissionEffects}), as ResourceQuota's usage. When the store refuses the write because
 * one of those objects changed, the registry runs such plugins again, and only them, on the
 * fresher objects.
 */
public interface ChargingAdmission extends ValidatingAdmission {
}
