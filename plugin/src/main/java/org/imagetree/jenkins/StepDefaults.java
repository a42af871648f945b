package org.imagetree.jenkins;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The global configuration's defaults, as one immutable value.
 *
 * @param registryUrl       registry used when a step names none (null: the config file's)
 * @param credentialsId     credentials for that registry (null: none)
 * @param allowedRegistries the administrator's registry policy: used when the config file sets no
 *                          {@code allowed_registries}, and a ceiling the config file can narrow but not widen
 * @param jobs              images built at the same time when a step does not say (0: number of cores)
 */
public record StepDefaults(String registryUrl, String credentialsId, List<String> allowedRegistries, int jobs) implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final StepDefaults NONE = new StepDefaults(null, null, List.of(), 0);

    public StepDefaults {
        allowedRegistries = List.copyOf(allowedRegistries);
    }

    /** Images built at the same time: the step's value, else this default, else null (the number of cores). */
    Integer jobsFor(Integer stepJobs) {
        return stepJobs != null ? stepJobs : jobs > 0 ? jobs : null;
    }

    /** One registry per line or separated by commas; blanks and {@code #} comments ignored. */
    public static List<String> parseRegistries(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) return out;
        for (String line : text.split("[\\n,]")) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#")) out.add(s);
        }
        return out;
    }
}
