package org.imagetree.policy;

import java.util.List;
import java.util.stream.Collectors;
import org.imagetree.InputError;

/** Thrown before anything is built when images break the registry policy; lists every violation, one a line. */
public class RegistryPolicyException extends InputError {
    private static final long serialVersionUID = 1L;
    private final transient List<Violation> violations;

    public RegistryPolicyException(List<Violation> violations) {
        super(message(violations));
        this.violations = List.copyOf(violations);
    }

    private static String message(List<Violation> violations) {
        if (violations.isEmpty()) throw new IllegalArgumentException("no violations");
        String head = violations.size() == 1 ? "registry policy violation:\n" : violations.size() + " registry policy violations:\n";
        return head + violations.stream().map(Violation::toString).collect(Collectors.joining("\n"));
    }

    public List<Violation> violations() { return violations; }
}
